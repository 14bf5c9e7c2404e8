"""Queries of motions, participations and ballots; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nohaven.governance.motions.models import Ballot, Motion, Participation


def locked(session: Session, motion_id: str) -> Motion | None:
    """The motion under its row lock, freshly read: whoever holds the lock has finished."""
    return session.scalar(
        select(Motion)
        .where(Motion.id == motion_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def due(session: Session, *, now: datetime) -> Sequence[Motion]:
    """Open motions past their time, locked; those a vote or a closer holds are skipped (the
    next run takes them)."""
    return session.scalars(
        select(Motion)
        .where(Motion.closed_at.is_(None), Motion.closes_at <= now)
        .order_by(Motion.closes_at)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()


def motions(session: Session, *, body_id: str | None = None) -> Sequence[Motion]:
    query = select(Motion).order_by(Motion.closes_at.desc())
    if body_id:
        query = query.where(Motion.body_id == body_id)
    return session.scalars(query).all()


def motions_by_id(session: Session, ids: Sequence[str]) -> dict[str, Motion]:
    return {m.id: m for m in session.scalars(select(Motion).where(Motion.id.in_(list(ids))))}


def participation(session: Session, motion_id: str, organisation_id: str) -> Participation | None:
    return session.scalar(
        select(Participation).where(
            Participation.motion_id == motion_id, Participation.organisation_id == organisation_id
        )
    )


def participants(session: Session, motion_id: str) -> list[str]:
    return sorted(
        session.scalars(
            select(Participation.organisation_id).where(Participation.motion_id == motion_id)
        )
    )


def participation_count(session: Session, motion_id: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Participation)
            .where(Participation.motion_id == motion_id)
        )
        or 0
    )


def secret_ballot(session: Session, motion_id: str, receipt_hash: str) -> Ballot | None:
    return session.scalar(
        select(Ballot).where(Ballot.motion_id == motion_id, Ballot.receipt_hash == receipt_hash)
    )


def open_ballot(session: Session, motion_id: str, organisation_id: str) -> Ballot | None:
    return session.scalar(
        select(Ballot).where(
            Ballot.motion_id == motion_id, Ballot.organisation_id == organisation_id
        )
    )


def options_cast(session: Session, motion_id: str) -> list[str]:
    return list(session.scalars(select(Ballot.option).where(Ballot.motion_id == motion_id)))


def named_options(session: Session, motion_id: str) -> dict[str, str]:
    """Organisation id → option, for the ballots that name their organisation."""
    rows = session.execute(
        select(Ballot.organisation_id, Ballot.option).where(Ballot.motion_id == motion_id)
    )
    return {org: option for org, option in rows if org is not None}


def rewrite_ballots(session: Session, motion_id: str) -> None:
    """Rewrite every ballot of the motion in id order (see the package docstring)."""
    ids = session.scalars(
        select(Ballot.id).where(Ballot.motion_id == motion_id).order_by(Ballot.id)
    ).all()
    for ballot_id in ids:
        session.execute(
            update(Ballot)
            .where(Ballot.id == ballot_id)
            .values(option=Ballot.option)
            .execution_options(synchronize_session=False)
        )
