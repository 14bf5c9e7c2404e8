"""Queries of meetings, agendas, initiatives and the meeting record; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from nohaven.governance.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Initiative,
    Meeting,
    MeetingStatus,
)
from nohaven.members.models import Body


def last_start(session: Session, body_id: str) -> datetime | None:
    """When the body's latest meeting that is not cancelled starts."""
    return session.scalar(
        select(func.max(Meeting.starts_at)).where(
            Meeting.body_id == body_id, Meeting.status != MeetingStatus.CANCELLED
        )
    )


def meetings(session: Session, *, body_id: str | None = None) -> Sequence[Meeting]:
    query = select(Meeting).order_by(Meeting.starts_at)
    if body_id:
        query = query.where(Meeting.body_id == body_id)
    return session.scalars(query).all()


def scheduled_after(session: Session, moment: datetime) -> Sequence[Meeting]:
    return session.scalars(
        select(Meeting)
        .where(Meeting.starts_at > moment, Meeting.status == MeetingStatus.SCHEDULED)
        .order_by(Meeting.starts_at)
    ).all()


def reference_groups(session: Session, body_id: str) -> set[str]:
    return set(session.scalars(select(Body.id).where(Body.parent_id == body_id)))


def initiative_body_ids(session: Session, organisation_id: str) -> set[str]:
    return set(
        session.scalars(
            select(Initiative.body_id).where(Initiative.organisation_id == organisation_id)
        )
    )


def initiative(session: Session, *, body_id: str, organisation_id: str) -> str | None:
    return session.scalar(
        select(Initiative.id).where(
            Initiative.body_id == body_id, Initiative.organisation_id == organisation_id
        )
    )


def initiatives(session: Session, body_id: str) -> list[Initiative]:
    return list(
        session.scalars(
            select(Initiative)
            .options(selectinload(Initiative.organisation))
            .where(Initiative.body_id == body_id)
        )
    )


def last_position(session: Session, meeting_id: str) -> int:
    return int(
        session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
        )
        or 0
    )


def agenda_items(session: Session, meeting_id: str) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .options(selectinload(AgendaItem.proposer))
            .where(AgendaItem.meeting_id == meeting_id)
        )
    )


def attendance(session: Session, meeting_id: str) -> list[Attendance]:
    return list(
        session.scalars(
            select(Attendance)
            .options(selectinload(Attendance.organisation))
            .where(Attendance.meeting_id == meeting_id)
        )
    )


def decisions(session: Session, meeting_id: str) -> list[Decision]:
    return list(
        session.scalars(
            select(Decision).where(Decision.meeting_id == meeting_id).order_by(Decision.created_at)
        )
    )


def action_items_until(session: Session, *, body_id: str, starts_at: datetime) -> list[ActionItem]:
    """The body's action items raised at meetings that started by ``starts_at``."""
    return list(
        session.scalars(
            select(ActionItem)
            .options(selectinload(ActionItem.owner))
            .join(Meeting, Meeting.id == ActionItem.meeting_id)
            .where(ActionItem.body_id == body_id, Meeting.starts_at <= starts_at)
            .order_by(ActionItem.due_date)
        )
    )
