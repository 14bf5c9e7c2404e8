"""The public face of a body: its page and its contact form (no account needed).

Spam resistance without third parties: a honeypot field that people never see, a signed
timestamp that shows how long the form was open (bots post at once), and a per-address rate
limit kept in the database (a keyed hash of the address, never the address itself)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.db import write_even_if_refused
from nohaven.errors import InvalidInput, NotFound, TooManyRequests
from nohaven.governance.bodies import service as bodies
from nohaven.governance.public import repository as repo
from nohaven.governance.public.models import ContactAttempt, ContactMessage
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_, gettext
from nohaven.kit.ids import new_id
from nohaven.members.models import Body, Membership, MembershipRole
from nohaven.notifications import service as notifications

PUBLIC_ACTOR = Actor.system("public contact form")
SYSTEM_ACTOR = Actor.system("contact message retention")


@dataclass(frozen=True)
class PublicBody:
    body: Body
    members: list[Membership]
    chair: Membership | None
    vice_chair: Membership | None


def public_body(session: Session, *, slug: str) -> PublicBody:
    body = repo.body_by_slug(session, slug)
    if body is None:
        raise NotFound(N_("No such body."))
    seats = bodies.seats(session, body.id, on=utcnow().date())
    members = sorted(
        (
            m
            for m in seats
            if m.role in {MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.MEMBER}
        ),
        key=lambda m: m.organisation.name,
    )
    chair = next((m for m in seats if m.role == MembershipRole.CHAIR), None)
    vice = next((m for m in seats if m.role == MembershipRole.VICE_CHAIR), None)
    return PublicBody(body=body, members=members, chair=chair, vice_chair=vice)


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="nohaven.contact-form")


def form_token(secret: str, *, issued_at: float | None = None) -> str:
    """A signed timestamp put in the form when it is shown."""
    moment = issued_at if issued_at is not None else utcnow().timestamp()
    return str(_serializer(secret).dumps({"t": moment}))


def client_hash(secret: str, address: str) -> str:
    return hmac.new(secret.encode(), b"contact:" + address.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Delivery:
    delivered: bool  # False when the honeypot caught a bot (it is told nothing)
    message: ContactMessage | None


def submit_contact(
    session: Session,
    *,
    secret: str,
    slug: str,
    client_address: str,
    token: str,
    honeypot: str,
    name: str,
    email: str,
    subject: str,
    message: str,
    per_hour: int,
    min_fill_seconds: int,
) -> Delivery:
    """``secret``: the key that signs the form and hashes addresses; ``per_hour``: messages
    one address may send in an hour; ``min_fill_seconds``: how long a person takes at least to
    fill in the form."""
    body = repo.body_by_slug(session, slug)
    if body is None:
        raise NotFound(N_("No such body."))
    now = utcnow()
    who = client_hash(secret, client_address)
    # Every attempt counts, caught or not; the governance.prune job drops old ones.
    if repo.attempts_since(session, who, now - timedelta(hours=1)) >= per_hour:
        raise TooManyRequests(
            N_("Too many messages from your network; please try again in an hour.")
        )
    # Kept even when the message is refused below: a refusal must count towards the limit.
    write_even_if_refused(session, lambda s: s.add(ContactAttempt(client_hash=who, at=now)))
    try:
        issued = _serializer(secret).loads(token)["t"]
        issued_at = float(issued)
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(N_("The form has expired; reload the page and try again.")) from exc
    elapsed = now.timestamp() - issued_at
    if elapsed < min_fill_seconds:
        raise InvalidInput(N_("That was quick! Please check your message and send it again."))
    if elapsed > 86400:
        raise InvalidInput(N_("The form has expired; reload the page and try again."))
    if honeypot.strip():
        return Delivery(delivered=False, message=None)
    errors = []
    for field, value, limit in (
        ("name", name, 200),
        ("email", email, 254),
        ("subject", subject, 200),
        ("message", message, 5000),
    ):
        if not value.strip():
            errors.append({"field": field, "message": gettext("required")})
        elif len(value) > limit:
            errors.append(
                {
                    "field": field,
                    "message": gettext("at most %(count)d characters") % {"count": limit},
                }
            )
    if email.strip() and ("@" not in email or " " in email.strip()):
        errors.append({"field": "email", "message": gettext("an e-mail address")})
    if errors:
        raise InvalidInput(N_("Please complete the form."), errors=errors)
    row = ContactMessage(id=new_id(), body_id=body.id)
    session.add(row)
    row.seal(
        session,
        name=name.strip(),
        email=email.strip(),
        subject=subject.strip(),
        message=message.strip(),
    )
    session.flush()
    audit.record(
        session,
        actor=PUBLIC_ACTOR,
        action="contact.receive",
        resource_type="contact_message",
        resource_id=row.id,
        summary={"body_id": body.id, "length": len(row.message)},
    )
    for org_id in bodies.secretariat_organisations(session, body):
        notifications.notify(
            session,
            actor=PUBLIC_ACTOR,
            organisation_id=org_id,
            kind="governance.contact",
            title=f"New message through the public page of {body.name}",
            link=f"/contact-messages/{row.id}",
        )
    return Delivery(delivered=True, message=row)


def prune_contact_attempts(session: Session, *, now: datetime, keep_hours: int = 24) -> int:
    """Forget contact attempts older than ``keep_hours`` (only the last hour counts)."""
    return repo.delete_attempts_before(session, now - timedelta(hours=max(keep_hours, 1)))


def purge_contact_messages(session: Session, *, now: datetime, keep_days: int) -> int:
    """Delete the public's messages past their keeping time; the count goes to the audit log."""
    purged = repo.delete_messages_before(session, now - timedelta(days=max(keep_days, 1)))
    if purged:
        audit.record(
            session,
            actor=SYSTEM_ACTOR,
            action="contact.purge",
            resource_type="contact_message",
            summary={"purged": purged, "keep_days": keep_days},
        )
    return purged


def contact_messages(session: Session, *, actor: Actor, body_id: str) -> list[ContactMessage]:
    """The public's messages to the body's secretariat: personal data, so the read is audited."""
    require(actor, Action.LIST, ContactMessage(body_id=body_id))
    rows = list(repo.messages(session, body_id))
    audit.record(
        session,
        actor=actor,
        action="contact.list",
        resource_type="contact_message",
        organisation_id=actor.organisation_id,
        summary={"body_id": body_id, "count": len(rows)},
    )
    return rows


def read_contact_message(session: Session, *, actor: Actor, message_id: str) -> ContactMessage:
    row = session.get(ContactMessage, message_id)
    if row is None:
        raise NotFound(N_("No such message."))
    require(actor, Action.READ, row)
    audit.record(
        session,
        actor=actor,
        action="contact.read",
        resource_type="contact_message",
        resource_id=row.id,
        organisation_id=actor.organisation_id,
    )
    return row
