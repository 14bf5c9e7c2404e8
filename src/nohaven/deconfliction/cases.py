"""Deconfliction cases: an analyst's list with counts, closing and renewing a case, and the
purge of registrations past their expiry. Audit entries carry counts and ids, never tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.config import DeconflictionSettings
from nohaven.deconfliction import epochs
from nohaven.deconfliction.models import Case, HitParty, Registration
from nohaven.deconfliction.service import add_months
from nohaven.errors import Conflict, NotFound
from nohaven.kit.clock import as_utc, utcnow


@dataclass(frozen=True)
class CaseSummary:
    case: Case
    registrations: int
    current_epoch: int
    stale: int  # registrations of an older key epoch: to be registered again
    expires_at: datetime | None
    hits: int


def list_cases(session: Session, *, actor: Actor) -> list[CaseSummary]:
    require(actor, Action.LIST, Case)
    cases = (
        session.execute(
            select(Case)
            .where(Case.organisation_id == actor.organisation_id)
            .order_by(Case.closed_at.is_not(None), Case.created_at.desc())
        )
        .scalars()
        .all()
    )
    current = epochs.current_epoch(session)
    epoch = current.epoch if current else 0
    counts = {
        (case_id, e): (n, expiry)
        for case_id, e, n, expiry in session.execute(
            select(
                Registration.case_id,
                Registration.key_epoch,
                func.count(),
                func.max(Registration.expires_at),
            )
            .where(Registration.organisation_id == actor.organisation_id)
            .group_by(Registration.case_id, Registration.key_epoch)
        ).all()
    }
    hit_counts = dict(
        session.execute(
            select(Registration.case_id, func.count(HitParty.id))
            .join(HitParty, HitParty.registration_id == Registration.id)
            .where(
                Registration.organisation_id == actor.organisation_id,
                HitParty.counterparts_notified > 0,
            )
            .group_by(Registration.case_id)
        ).all()
    )
    out = []
    for case in cases:
        mine = {e: v for (cid, e), v in counts.items() if cid == case.id}
        expiries = [as_utc(v[1]) for v in mine.values() if v[1] is not None]
        out.append(
            CaseSummary(
                case=case,
                registrations=sum(v[0] for v in mine.values()),
                current_epoch=epoch,
                stale=sum(v[0] for e, v in mine.items() if e != epoch),
                expires_at=max(expiries) if expiries else None,
                hits=int(hit_counts.get(case.id, 0)),
            )
        )
    return out


def _own_case(session: Session, *, actor: Actor, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.organisation_id != actor.organisation_id:
        raise NotFound("No such case.")
    require(actor, Action.UPDATE, case)
    return case


def close_case(session: Session, *, actor: Actor, case_id: str) -> int:
    """Close a case: its registrations are deleted and stop matching at once."""
    case = _own_case(session, actor=actor, case_id=case_id)
    if case.closed_at is not None:
        raise Conflict("This case is already closed.")
    deleted = _delete_registrations(session, Registration.case_id == case.id)
    case.closed_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="deconfliction.case.close",
        resource_type="deconfliction_case",
        resource_id=case.id,
        summary={"registrations_deleted": deleted},
    )
    return deleted


def renew_case(
    session: Session, *, actor: Actor, case_id: str, limits: DeconflictionSettings
) -> int:
    """Extend every live registration of the case by the full term from today."""
    case = _own_case(session, actor=actor, case_id=case_id)
    if case.closed_at is not None:
        raise Conflict("A closed case cannot be renewed.")
    now = utcnow()
    result = session.execute(
        update(Registration)
        .where(Registration.case_id == case.id, Registration.expires_at > now)
        .values(expires_at=add_months(now, limits.registration_months))
    )
    renewed = int(getattr(result, "rowcount", 0) or 0)
    audit.record(
        session,
        actor=actor,
        action="deconfliction.case.renew",
        resource_type="deconfliction_case",
        resource_id=case.id,
        summary={"registrations_renewed": renewed},
    )
    return renewed


def _delete_registrations(session: Session, condition: object) -> int:
    # Detach hit parties first: the portable spelling of ON DELETE SET NULL.
    ids = select(Registration.id).where(condition)  # type: ignore[arg-type]
    session.execute(
        update(HitParty)
        .where(HitParty.registration_id.in_(ids))
        .values(registration_id=None)
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        delete(Registration).where(condition).execution_options(synchronize_session=False)  # type: ignore[arg-type]
    )
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired(session: Session, *, actor: Actor) -> int:
    """Delete expired registrations (they already stopped matching at their expiry)."""
    require(actor, Action.DELETE, Registration)
    deleted = _delete_registrations(session, Registration.expires_at <= utcnow())
    if deleted:
        audit.record(
            session,
            actor=actor,
            action="deconfliction.purge",
            resource_type="deconfliction_registration",
            summary={"registrations_deleted": deleted},
        )
    return deleted
