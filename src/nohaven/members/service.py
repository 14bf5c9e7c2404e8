"""Rules of the members domain: organisations, bodies, memberships and their history.

Invitations are in nohaven.members.invitations; the people who log in are auth's
(nohaven.auth.users)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.members import repository as repo
from nohaven.members.models import Body, Membership, MembershipRole, Organisation, summary_of
from nohaven.members.schemas import (
    BodyCreate,
    MembershipCreate,
    OrganisationCreate,
    OrganisationUpdate,
)

# --- organisations ---------------------------------------------------------------------------


def get_organisation(session: Session, *, actor: Actor, organisation_id: str) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(N_("No such organisation."))
    require(actor, Action.READ, org)
    return org


def find_organisation(session: Session, *, name_or_id: str) -> Organisation | None:
    """An organisation named by an operator's command, by its name or its id; no actor asks."""
    return repo.organisation_by_name(session, name_or_id) or session.get(Organisation, name_or_id)


def organisation_exists(session: Session, organisation_id: str) -> bool:
    return session.get(Organisation, organisation_id) is not None


def organisation_ids(session: Session) -> set[str]:
    """Every organisation's id, for other domains' rules to filter (who sees a hash list)."""
    return {o.id for o in repo.organisations(session)}


def list_organisations(
    session: Session, *, actor: Actor, kind: str | None = None, country: str | None = None
) -> Sequence[Organisation]:
    require(actor, Action.LIST, Organisation)
    return repo.organisations(session, kind=kind, country=country)


def _check_parent(session: Session, parent_id: str | None, self_id: str | None = None) -> None:
    if parent_id is None:
        return
    if parent_id == self_id or session.get(Organisation, parent_id) is None:
        raise InvalidInput(N_("The parent organisation does not exist."))


def create_organisation(
    session: Session, *, actor: Actor, data: OrganisationCreate
) -> Organisation:
    org = Organisation(**data.model_dump())
    require(actor, Action.CREATE, org)
    _check_parent(session, data.parent_id)
    if repo.organisation_by_name(session, data.name):
        raise Conflict(f"An organisation named {data.name!r} already exists.")
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.create",
        resource_type="organisation",
        resource_id=org.id,
        organisation_id=org.id,
        summary=summary_of(org, "name", "kind", "country", "parent_id"),
    )
    return org


def update_organisation(
    session: Session, *, actor: Actor, organisation_id: str, data: OrganisationUpdate
) -> Organisation:
    org = get_organisation(session, actor=actor, organisation_id=organisation_id)
    require(actor, Action.UPDATE, org)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise InvalidInput(N_("An organisation needs a name."))
    other = repo.organisation_by_name(session, changes.get("name") or org.name)
    if other is not None and other.id != org.id:
        raise Conflict(N_("Another organisation has that name."))
    before = {k: getattr(org, k) for k in changes}
    for key, value in changes.items():
        setattr(org, key, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.update",
        resource_type="organisation",
        resource_id=org.id,
        organisation_id=org.id,
        summary={"before": before, "after": changes},
    )
    return org


# --- bodies and memberships ------------------------------------------------------------------


def list_bodies(session: Session, *, actor: Actor) -> Sequence[Body]:
    require(actor, Action.LIST, Body)
    return repo.bodies(session)


def get_body(session: Session, *, actor: Actor, body_id_or_slug: str) -> Body:
    body = session.get(Body, body_id_or_slug) or repo.body_by_slug(session, body_id_or_slug)
    if body is None:
        raise NotFound(N_("No such body."))
    require(actor, Action.READ, body)
    return body


def create_body(session: Session, *, actor: Actor, data: BodyCreate) -> Body:
    body = Body(**data.model_dump())
    require(actor, Action.CREATE, body)
    if data.parent_id is not None and session.get(Body, data.parent_id) is None:
        raise InvalidInput(N_("The parent body does not exist."))
    if repo.body_by_slug(session, data.slug):
        raise Conflict(f"A body with the slug {data.slug!r} already exists.")
    session.add(body)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(N_("A body with that name already exists.")) from exc
    audit.record(
        session,
        actor=actor,
        action="body.create",
        resource_type="body",
        resource_id=body.id,
        summary=summary_of(body, "name", "slug", "kind", "parent_id"),
    )
    return body


# Roles held by one organisation at a time in a body.
SINGLE_SEAT_ROLES = frozenset({MembershipRole.CHAIR, MembershipRole.VICE_CHAIR})


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def add_membership(
    session: Session, *, actor: Actor, body_id: str, data: MembershipCreate
) -> Membership:
    body = get_body(session, actor=actor, body_id_or_slug=body_id)
    membership = Membership(body_id=body.id, **data.model_dump())
    require(actor, Action.CREATE, membership)
    if session.get(Organisation, data.organisation_id) is None:
        raise InvalidInput(N_("The organisation does not exist."))
    if data.end_date is not None and data.end_date <= data.start_date:
        raise InvalidInput(N_("A membership must end after it starts."))
    for other in repo.memberships_of_body(session, body.id):
        if not _overlaps(data.start_date, data.end_date, other.start_date, other.end_date):
            continue
        if other.organisation_id == data.organisation_id:
            raise Conflict(
                "That organisation already holds a seat in this body for those dates; end it first."
            )
        if data.role in SINGLE_SEAT_ROLES and other.role == data.role:
            raise Conflict(f"{other.organisation.name} holds the {data.role.value} role then.")
    session.add(membership)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="membership.create",
        resource_type="membership",
        resource_id=membership.id,
        organisation_id=data.organisation_id,
        summary={
            "body_id": body.id,
            **summary_of(membership, "organisation_id", "role", "start_date", "end_date"),
        },
    )
    return membership


def end_membership(
    session: Session, *, actor: Actor, membership_id: str, end_date: date
) -> Membership:
    membership = session.get(Membership, membership_id)
    if membership is None:
        raise NotFound(N_("No such membership."))
    require(actor, Action.UPDATE, membership)
    if membership.end_date is not None:
        raise Conflict(N_("That membership has already ended."))
    if end_date <= membership.start_date:
        raise InvalidInput(N_("A membership must end after it starts."))
    membership.end_date = end_date
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="membership.end",
        resource_type="membership",
        resource_id=membership.id,
        organisation_id=membership.organisation_id,
        summary={"end_date": end_date.isoformat()},
    )
    return membership


def memberships(
    session: Session, *, actor: Actor, body_id: str, on: date | None = None
) -> Sequence[Membership]:
    require(actor, Action.LIST, Membership)
    return repo.memberships_of_body(session, body_id, on=on)


def holder_on(
    session: Session, *, actor: Actor, body_id: str, role: MembershipRole, day: date
) -> Membership | None:
    """Who held ``role`` (e.g. the chair) in the body on ``day``: answers from the history."""
    for membership in memberships(session, actor=actor, body_id=body_id, on=day):
        if membership.role == role:
            return membership
    return None


@dataclass(frozen=True)
class BodyDirectory:
    body: Body
    current: list[Membership]
    chair_history: list[Membership]

    @property
    def chair(self) -> Membership | None:
        return next((m for m in self.current if m.role == MembershipRole.CHAIR), None)


_ROLE_ORDER = {role.value: i for i, role in enumerate(MembershipRole)}


def directory(session: Session, *, actor: Actor, on: date | None = None) -> list[BodyDirectory]:
    """Every body with its members today (chair first) and the history of its chairs."""
    today = on or utcnow().date()
    out = []
    for body in list_bodies(session, actor=actor):
        history = repo.memberships_of_body(session, body.id)
        current = sorted(
            (m for m in history if m.active_on(today)),
            key=lambda m: (_ROLE_ORDER.get(m.role, 99), m.organisation.name),
        )
        chairs = [m for m in history if m.role == MembershipRole.CHAIR]
        out.append(BodyDirectory(body=body, current=current, chair_history=chairs))
    return out


# --- seats, for the rules of other domains ----------------------------------------------------
# These answer without an actor: the caller's own rules decide what it shows of them (who may
# vote on a motion, who sees a body's statistics, which seats an actor holds).


def seats_of_body(
    session: Session, *, body_id: str, on: date | None = None
) -> Sequence[Membership]:
    """Seats in a body, oldest first, with their organisations; only those held on ``on``."""
    return repo.memberships_of_body(session, body_id, on=on)


def seats_of_organisation(
    session: Session, *, organisation_id: str, on: date | None = None
) -> Sequence[Membership]:
    return repo.memberships_of_organisation(session, organisation_id, on=on)


def seat_roles_of_organisation(
    session: Session, *, organisation_id: str, on: date
) -> dict[str, str]:
    """Body id -> role of each seat the organisation holds on ``on``: what an actor carries."""
    return repo.seat_roles_of_organisation(session, organisation_id, on=on)


def body_by_slug(session: Session, *, slug: str) -> Body | None:
    return repo.body_by_slug(session, slug)


def people_names(session: Session, user_ids: Iterable[str | None]) -> dict[str, str]:
    """User id -> the name a page shows for that person (not their e-mail address)."""
    wanted = {u for u in user_ids if u}
    return repo.display_names(session, wanted) if wanted else {}
