"""A body's seats, secretariat, standing orders and officers, for the other governance rooms.

Seats are read through the members domain's service; admission and hand-over write through it
too, so the members domain keeps its own rules (no overlapping seats)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.governance.bodies import repository as repo
from nohaven.governance.bodies.models import StandingOrders
from nohaven.governance.motions.models import Majority
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.members import service as members_service
from nohaven.members.models import VOTING_ROLES, Body, Membership, MembershipRole
from nohaven.members.schemas import MembershipCreate


def body_by_ref(session: Session, ref: str) -> Body:
    """Without a policy check: public pages and internal steps use it."""
    body = repo.body_by_id_or_slug(session, ref)
    if body is None:
        raise NotFound(N_("No such body."))
    return body


def get_body(session: Session, body_id: str) -> Body | None:
    return session.get(Body, body_id)


def body_names(session: Session) -> dict[str, str]:
    return repo.body_names(session)


def organisation_names(session: Session) -> dict[str, str]:
    return repo.organisation_names(session)


def body_slugs(session: Session) -> dict[str, str]:
    return {b.id: b.slug for b in repo.bodies(session)}


def my_bodies(session: Session, actor: Actor) -> list[Body]:
    """The bodies the actor sits in (every body for the secretariat), by name."""
    return repo.bodies(session, ids=None if actor.is_secretariat else list(actor.body_roles))


def seats(session: Session, body_id: str, *, on: date | None = None) -> Sequence[Membership]:
    return members_service.seats_of_body(session, body_id=body_id, on=on)


def voting_organisations(session: Session, body_id: str, day: date) -> set[str]:
    return {m.organisation_id for m in seats(session, body_id, on=day) if m.role in VOTING_ROLES}


def secretariat_organisations(session: Session, body: Body) -> list[str]:
    """The body's secretariat seats; a reference group without one falls back to its parent's."""
    today = utcnow().date()
    current: Body | None = body
    while current is not None:
        found = sorted(
            {
                m.organisation_id
                for m in seats(session, current.id, on=today)
                if m.role == MembershipRole.SECRETARIAT
            }
        )
        if found:
            return found
        current = session.get(Body, current.parent_id) if current.parent_id else None
    return []


# --- standing orders ------------------------------------------------------------------------


def standing_orders_of(session: Session, body_id: str) -> StandingOrders:
    """The body's standing orders; the defaults when none were set."""
    found = repo.standing_orders(session, body_id)
    return found or StandingOrders(
        body_id=body_id,
        quorum_percent=50,
        majority=Majority.SIMPLE,
        eligible_kinds=[],
        requires_alliance_membership=False,
    )


def read_standing_orders(session: Session, *, actor: Actor, body_id: str) -> StandingOrders:
    found = standing_orders_of(session, body_id)
    require(actor, Action.READ, found)
    return found


def update_standing_orders(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    quorum_percent: int | None = None,
    majority: str | None = None,
    eligible_kinds: list[str] | None = None,
    requires_alliance_membership: bool | None = None,
) -> StandingOrders:
    if session.get(Body, body_id) is None:
        raise NotFound(N_("No such body."))
    found = repo.standing_orders(session, body_id)
    if found is None:
        found = standing_orders_of(session, body_id)
        session.add(found)
    require(actor, Action.UPDATE, found)
    if quorum_percent is not None:
        if not 0 <= quorum_percent <= 100:
            raise InvalidInput(
                "Quorum is a percentage.",
                errors=[{"field": "quorum_percent", "message": "between 0 and 100"}],
            )
        found.quorum_percent = quorum_percent
    if majority is not None:
        if majority not in set(Majority):
            raise InvalidInput(
                "Unknown majority rule.",
                errors=[{"field": "majority", "message": "simple, two_thirds or consensus"}],
            )
        found.majority = majority
    if eligible_kinds is not None:
        found.eligible_kinds = sorted(set(eligible_kinds))
    if requires_alliance_membership is not None:
        found.requires_alliance_membership = requires_alliance_membership
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="governance.settings",
        resource_type="body",
        resource_id=body_id,
        summary={
            "quorum_percent": found.quorum_percent,
            "majority": found.majority,
            "eligible_kinds": found.eligible_kinds,
            "requires_alliance_membership": found.requires_alliance_membership,
        },
    )
    return found


# --- chair rotation -------------------------------------------------------------------------


def admit(
    session: Session, *, actor: Actor, body_id: str, organisation_id: str, note: str
) -> Membership:
    """A new member's seat, from today (through the members domain's rules)."""
    return members_service.add_membership(
        session,
        actor=actor,
        body_id=body_id,
        data=MembershipCreate(
            organisation_id=organisation_id,
            role=MembershipRole.MEMBER,
            start_date=utcnow().date(),
            note=note,
        ),
    )


def hand_over(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    to_organisation_id: str,
    on: date | None = None,
    role: MembershipRole = MembershipRole.CHAIR,
) -> Membership:
    """End the current holder's chair (or vice-chair) seat and start the successor's, in one
    transaction; the outgoing holder stays on as a member."""
    if role not in (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR):
        raise InvalidInput(N_("Only the chair and the vice-chair are handed over."))
    day = on or utcnow().date()
    held = seats(session, body_id, on=day)
    current = next((m for m in held if m.role == role), None)
    successor_seat = next((m for m in held if m.organisation_id == to_organisation_id), None)
    if successor_seat is None or successor_seat.role not in (
        MembershipRole.MEMBER,
        MembershipRole.CHAIR,
        MembershipRole.VICE_CHAIR,
    ):
        raise InvalidInput(
            "The successor must be a voting member of the body.",
            errors=[{"field": "to_organisation_id", "message": "not a member"}],
        )
    if current is not None and current.organisation_id == to_organisation_id:
        raise Conflict(f"That organisation already holds the {role.value.replace('_', ' ')}.")
    if successor_seat.role != MembershipRole.MEMBER:
        raise Conflict(N_("The successor holds another office; hand that over first."))
    if current is not None:
        members_service.end_membership(session, actor=actor, membership_id=current.id, end_date=day)
        members_service.add_membership(
            session,
            actor=actor,
            body_id=body_id,
            data=MembershipCreate(
                organisation_id=current.organisation_id,
                role=MembershipRole.MEMBER,
                start_date=day,
                note=f"Continues as a member after its {role.value.replace('_', ' ')} term",
            ),
        )
    members_service.end_membership(
        session, actor=actor, membership_id=successor_seat.id, end_date=day
    )
    new_seat = members_service.add_membership(
        session,
        actor=actor,
        body_id=body_id,
        data=MembershipCreate(organisation_id=to_organisation_id, role=role, start_date=day),
    )
    audit.record(
        session,
        actor=actor,
        action="governance.hand_over",
        resource_type="body",
        resource_id=body_id,
        summary={
            "role": role.value,
            "from": current.organisation_id if current else None,
            "to": to_organisation_id,
            "on": day.isoformat(),
        },
    )
    return new_seat


def office_history(session: Session, *, actor: Actor, body_id: str) -> list[Membership]:
    """Every chair and vice-chair term, newest first (the rotation history)."""
    return sorted(
        (
            m
            for m in members_service.memberships(session, actor=actor, body_id=body_id)
            if m.role in (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR)
        ),
        key=lambda m: m.start_date,
        reverse=True,
    )
