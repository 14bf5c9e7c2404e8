"""Invitations: an organisation's admin asks someone to join; the link carries a one-time token.

Accepting one creates an identity, which is auth's (nohaven.auth.users.accept_invitation); this
module hands over the pending invitation and records that it was used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, Gone, InvalidInput, NotFound
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.ids import new_token, sha256_hex
from nohaven.members import repository as repo
from nohaven.members.models import Invitation, Organisation, User
from nohaven.members.schemas import InvitationCreate
from nohaven.notifications import outbox


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once to the inviter, who passes the link on


def invite_user(
    session: Session, *, actor: Actor, data: InvitationCreate, valid_days: int
) -> IssuedInvitation:
    """``valid_days``: how long the link works (``Settings.invitation_days``)."""
    email = normalise_email(str(data.email))
    roles = sorted({r.value for r in data.roles})
    token = new_token()
    invitation = Invitation(
        organisation_id=data.organisation_id,
        email=email,
        roles=roles,
        token_hash=sha256_hex(token),
        invited_by_id=actor.user_id,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    require(actor, Action.CREATE, invitation)
    if session.get(Organisation, data.organisation_id) is None:
        raise InvalidInput(N_("The organisation does not exist."))
    if repo.account_exists(session, email):
        raise Conflict(N_("A user with that e-mail address already exists."))
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="invitation.create",
        resource_type="invitation",
        resource_id=invitation.id,
        organisation_id=invitation.organisation_id,
        summary={"roles": roles},
    )
    # The link also goes by e-mail, from the outbox in this same transaction; only its hash
    # stays in the invitation, and the outbox forgets the link once it is sent.
    outbox.enqueue(
        session,
        kind="members.invitation",
        to_address=email,
        subject="nohaven: you are invited to join",
        text=(
            "You are invited to open an account on nohaven. Follow the link below to choose "
            f"your password; it works once, for {valid_days} days. If you did not expect "
            "this, ignore this message."
        ),
        link=f"/invitations/{token}",
        params={"wording": "invitation", "days": valid_days},
    )
    return IssuedInvitation(invitation=invitation, token=token)


def pending_invitation(session: Session, *, token: str) -> Invitation:
    invitation = repo.invitation_by_token_hash(session, sha256_hex(token))
    if invitation is None:
        raise NotFound(N_("This invitation link is not valid."))
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise Gone("This invitation has already been used or withdrawn.")
    if as_utc(invitation.expires_at) <= utcnow():
        raise Gone("This invitation has expired; ask for a new one.")
    return invitation


def record_acceptance(session: Session, *, invitation: Invitation, user: User) -> None:
    """The invitation is used up by the account just made from it."""
    invitation.accepted_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=Actor(user_id=user.id, label=user.email, organisation_id=user.organisation_id),
        action="invitation.accept",
        resource_type="invitation",
        resource_id=invitation.id,
        organisation_id=user.organisation_id,
        summary={"user_id": user.id},
    )


def list_invitations(session: Session, *, actor: Actor) -> Sequence[Invitation]:
    require(actor, Action.LIST, Invitation)
    scope = None if actor.is_secretariat else actor.organisation_id
    return repo.invitations(session, organisation_id=scope)


def revoke_invitation(session: Session, *, actor: Actor, invitation_id: str) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(N_("No such invitation."))
    require(actor, Action.DELETE, invitation)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="invitation.revoke",
            resource_type="invitation",
            resource_id=invitation.id,
            organisation_id=invitation.organisation_id,
        )
    return invitation
