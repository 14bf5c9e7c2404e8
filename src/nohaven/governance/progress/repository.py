"""Queries of the mission statement, commitments, signatures, progress reports and case
studies; never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from nohaven.governance.progress.models import (
    CaseStudy,
    Commitment,
    MissionSignature,
    MissionStatement,
    ProgressReport,
)


def mission_of_body(session: Session, body_id: str) -> MissionStatement | None:
    return session.scalar(select(MissionStatement).where(MissionStatement.body_id == body_id))


def bodies_with_mission(session: Session, body_ids: list[str]) -> set[str]:
    return set(
        session.scalars(
            select(MissionStatement.body_id).where(MissionStatement.body_id.in_(body_ids))
        )
    )


def commitments(session: Session, mission_id: str) -> list[Commitment]:
    return list(
        session.scalars(
            select(Commitment)
            .where(Commitment.mission_id == mission_id)
            .order_by(Commitment.number)
        )
    )


def commitment(session: Session, mission_id: str, number: int) -> Commitment | None:
    return session.scalar(
        select(Commitment).where(Commitment.mission_id == mission_id, Commitment.number == number)
    )


def signatures(session: Session, mission_id: str) -> list[MissionSignature]:
    return list(
        session.scalars(
            select(MissionSignature)
            .options(selectinload(MissionSignature.organisation))
            .where(MissionSignature.mission_id == mission_id)
            .order_by(MissionSignature.signed_on)
        )
    )


def has_signed(session: Session, mission_id: str, organisation_id: str) -> bool:
    return (
        session.scalar(
            select(MissionSignature.id).where(
                MissionSignature.mission_id == mission_id,
                MissionSignature.organisation_id == organisation_id,
            )
        )
        is not None
    )


def report(
    session: Session, *, commitment_id: str, organisation_id: str, period: str
) -> ProgressReport | None:
    return session.scalar(
        select(ProgressReport).where(
            ProgressReport.commitment_id == commitment_id,
            ProgressReport.organisation_id == organisation_id,
            ProgressReport.period == period,
        )
    )


def reports(
    session: Session,
    commitment_ids: list[str],
    *,
    organisation_id: str | None = None,
    newest_first: bool = False,
) -> Sequence[ProgressReport]:
    """Reports on these commitments (one organisation's when given), by period."""
    query = select(ProgressReport).where(ProgressReport.commitment_id.in_(commitment_ids))
    if organisation_id is not None:
        query = query.where(ProgressReport.organisation_id == organisation_id)
    order = ProgressReport.period.desc() if newest_first else ProgressReport.period
    return session.scalars(query.order_by(order)).all()


def case_studies(
    session: Session, *, organisation_id: str, terms: list[str], body_id: str | None
) -> list[CaseStudy]:
    """Published case studies and the organisation's own, every term in the title or text."""
    query = (
        select(CaseStudy)
        .options(selectinload(CaseStudy.organisation))
        .where(or_(CaseStudy.published.is_(True), CaseStudy.organisation_id == organisation_id))
        .order_by(CaseStudy.created_at.desc())
    )
    if body_id:
        query = query.where(CaseStudy.body_id == body_id)
    for term in terms:
        like = f"%{term.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(func.lower(CaseStudy.title).like(like), func.lower(CaseStudy.text).like(like))
        )
    return list(session.scalars(query))
