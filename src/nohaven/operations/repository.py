"""Queries of the operations domain; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from nohaven.members.models import Organisation
from nohaven.operations.models import (
    ActionDay,
    Activity,
    Briefing,
    Participant,
    Phase,
    Referral,
    ReferralStatus,
    ResultReport,
)


def activity_ids_named(session: Session, code_name: str) -> Sequence[str]:
    """Ids of the activities with this code name (any case); at most two: one is an answer."""
    query = select(Activity.id).where(func.lower(Activity.code_name) == code_name.lower())
    return session.scalars(query.limit(2)).all()


def activity(session: Session, activity_id: str, *, lock: bool = False) -> Activity | None:
    query = select(Activity).where(Activity.id == activity_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def activities_of_bodies(session: Session, body_ids: Sequence[str]) -> list[Activity]:
    if not body_ids:
        return []
    return list(
        session.scalars(
            select(Activity)
            .where(Activity.body_id.in_(body_ids))
            .order_by(Activity.starts_on.is_(None), Activity.starts_on, Activity.code_name)
        )
    )


def published_activities(session: Session, body_id: str) -> list[Activity]:
    return list(
        session.scalars(
            select(Activity)
            .where(Activity.body_id == body_id, Activity.published.is_(True))
            .order_by(Activity.starts_on.is_(None), Activity.starts_on, Activity.code_name)
        )
    )


def participants(session: Session, activity_id: str) -> list[tuple[Participant, Organisation]]:
    rows = session.execute(
        select(Participant, Organisation)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .options(joinedload(Participant.activity))
        .where(Participant.activity_id == activity_id)
        .order_by(Organisation.name)
    ).all()
    return [(p, o) for p, o in rows]


def participant(session: Session, activity_id: str, organisation_id: str) -> Participant | None:
    return session.scalar(
        select(Participant)
        .options(joinedload(Participant.activity))
        .where(
            Participant.activity_id == activity_id,
            Participant.organisation_id == organisation_id,
        )
    )


def action_days(session: Session, activity_id: str) -> list[ActionDay]:
    return list(
        session.scalars(
            select(ActionDay)
            .options(joinedload(ActionDay.activity))
            .where(ActionDay.activity_id == activity_id)
            .order_by(ActionDay.starts_at)
        )
    )


def briefings(session: Session, activity_id: str) -> list[Briefing]:
    return list(
        session.scalars(
            select(Briefing)
            .options(joinedload(Briefing.activity))
            .where(Briefing.activity_id == activity_id)
            .order_by(Briefing.created_at)
        )
    )


def results(session: Session, activity_id: str) -> list[tuple[ResultReport, Organisation]]:
    rows = session.execute(
        select(ResultReport, Organisation)
        .join(Organisation, Organisation.id == ResultReport.organisation_id)
        .options(joinedload(ResultReport.activity))
        .where(ResultReport.activity_id == activity_id)
        .order_by(Organisation.name, ResultReport.period)
    ).all()
    return [(r, o) for r, o in rows]


def result(
    session: Session, activity_id: str, organisation_id: str, period: str
) -> ResultReport | None:
    return session.scalar(
        select(ResultReport).where(
            ResultReport.activity_id == activity_id,
            ResultReport.organisation_id == organisation_id,
            ResultReport.period == period,
        )
    )


def referral(session: Session, referral_id: str, *, lock: bool = False) -> Referral | None:
    query = select(Referral).where(Referral.id == referral_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def referrals_of(session: Session, activity_id: str, organisation_id: str) -> list[Referral]:
    """The referrals this organisation sent or received in the operation."""
    return list(
        session.scalars(
            select(Referral)
            .where(
                Referral.activity_id == activity_id,
                or_(
                    Referral.sender_organisation_id == organisation_id,
                    Referral.receiver_organisation_id == organisation_id,
                ),
            )
            .order_by(Referral.sent_at.desc())
        )
    )


def overdue_referrals(session: Session, now: datetime) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral)
            .where(
                Referral.status == ReferralStatus.SENT,
                Referral.acknowledge_by <= now,
                Referral.escalated_at.is_(None),
            )
            .with_for_update(skip_locked=True)
        )
    )


def expired_referrals(session: Session, today: date, limit: int = 500) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral)
            .where(Referral.purged_at.is_(None), Referral.purge_after < today)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def organisations(session: Session, ids: Sequence[str]) -> dict[str, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def closed_with_sealed_data(session: Session, before: date, limit: int = 500) -> list[Activity]:
    """Closed operations that ended (or last changed) before ``before`` and still hold a
    sealed briefing or point of contact."""
    ended = func.coalesce(Activity.ends_on, func.date(Activity.updated_at))
    holds = or_(
        select(Briefing.id)
        .where(Briefing.activity_id == Activity.id, Briefing.text.is_not(None))
        .exists(),
        select(Participant.id)
        .where(Participant.activity_id == Activity.id, Participant.contact.is_not(None))
        .exists(),
    )
    return list(
        session.scalars(
            select(Activity)
            .where(Activity.phase == Phase.CLOSED, ended < before, holds)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
