"""Demo meetings of the two bodies: held ones with their record, upcoming ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.governance.bodies import service as bodies
from nohaven.governance.meetings.models import (
    ActionItem,
    Attendance,
    Decision,
    Meeting,
    MeetingStatus,
    MinutesStatus,
)
from nohaven.kit.clock import utcnow
from nohaven.members.models import Body, Organisation


def _org(session: Session, short: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.short_name == short))


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _meeting(
    session: Session,
    body: Body,
    title: str,
    start: datetime,
    *,
    tz: str,
    location: str = "",
    online_url: str = "",
    held: bool = False,
) -> tuple[Meeting, bool]:
    found = session.scalar(
        select(Meeting).where(Meeting.body_id == body.id, Meeting.title == title)
    )
    if found is not None:
        return found, False
    meeting = Meeting(
        body_id=body.id,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        timezone=tz,
        location=location,
        online_url=online_url,
        status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
    )
    session.add(meeting)
    session.flush()
    return meeting, True


def load(session: Session, vgt: Body, gtf: Body) -> None:
    today = utcnow().date()
    inaugural, new = _meeting(
        session,
        gtf,
        "Inaugural meeting of the Global Taskforce",
        _at(date(2022, 10, 11), 12),
        tz="Europe/Brussels",
        location="Brussels",
        held=True,
    )
    if new:
        inaugural.minutes = (
            "The chair opened the inaugural meeting and welcomed the members.\n\n"
            "Members agreed to meet twice a year and to draft a mission statement."
        )
        inaugural.minutes_status = MinutesStatus.APPROVED
        for org_id in sorted(bodies.voting_organisations(session, gtf.id, date(2022, 10, 11)))[:12]:
            session.add(Attendance(meeting_id=inaugural.id, organisation_id=org_id))
        session.add(Decision(meeting_id=inaugural.id, text="The Taskforce meets twice a year."))
    past_day = today - timedelta(days=150)
    past, new = _meeting(
        session,
        gtf,
        "Global Taskforce plenary (previous)",
        _at(past_day, 13),
        tz="Africa/Nairobi",
        location="Nairobi",
        held=True,
    )
    uk = _org(session, "United Kingdom")
    kenya = _org(session, "Kenya")
    if new:
        past.minutes = (
            "Members reviewed progress reports and discussed the draft on safety by design."
        )
        past.minutes_status = MinutesStatus.CIRCULATED
        if uk is not None:
            session.add(
                ActionItem(
                    body_id=gtf.id,
                    meeting_id=past.id,
                    text="Circulate a first draft of the statement on safety by design",
                    owner_id=uk.id,
                    due_date=today + timedelta(days=20),
                )
            )
        if kenya is not None:
            session.add(
                ActionItem(
                    body_id=gtf.id,
                    meeting_id=past.id,
                    text="Share the national hotline case study",
                    owner_id=kenya.id,
                    due_date=today - timedelta(days=30),
                )
            )
    _meeting(
        session,
        gtf,
        "Global Taskforce plenary (next)",
        _at(today + timedelta(days=35), 8),
        tz="Europe/London",
        location="London, Lancaster House",
        online_url="https://meet.example.org/gtf-plenary",
    )
    _meeting(
        session,
        vgt,
        "VGT board meeting (previous)",
        _at(today - timedelta(days=120), 22),
        tz="Australia/Canberra",
        online_url="https://meet.example.org/vgt-board",
        held=True,
    )
    _meeting(
        session,
        vgt,
        "VGT board meeting (next)",
        _at(today + timedelta(days=60), 14),
        tz="America/Toronto",
        location="Ottawa",
    )
