"""ORM classes of meetings: the meeting, its agenda, attendance, decisions and action items,
and the initiatives that may put items on a body's agenda."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Body, Organisation


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class MinutesStatus(enum.StrEnum):
    NONE = "none"
    DRAFTED = "drafted"
    CIRCULATED = "circulated"
    APPROVED = "approved"


class Meeting(Base):
    __tablename__ = "meetings"
    policy_kind: ClassVar[str] = "meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # IANA zone the meeting is held in (zoneinfo), for display and the calendar file.
    timezone: Mapped[str] = mapped_column(String(60), default="UTC")
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.SCHEDULED)
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_status: Mapped[str] = mapped_column(String(20), default=MinutesStatus.NONE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(lazy="raise")


class Initiative(Base):
    """An existing international initiative registered to feed into a body's direction."""

    __tablename__ = "governance_initiatives"
    __table_args__ = (UniqueConstraint("body_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "initiative"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    since: Mapped[date] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class AgendaStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    policy_kind: ClassVar[str] = "agenda_item"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    proposer_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    # member, reference_group, initiative or secretariat: in which capacity it was proposed.
    proposer_capacity: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default=AgendaStatus.PROPOSED)
    position: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposer: Mapped[Organisation] = relationship(lazy="raise")
    # Loaded with every item: the policy asks for the meeting's body on each one.
    meeting: Mapped[Meeting] = relationship(lazy="joined")

    @property
    def body_id(self) -> str:
        """The body of the item's meeting, which decides who may see and manage it (the
        meeting must be loaded with the item)."""
        return self.meeting.body_id


class Attendance(Base):
    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class Decision(Base):
    __tablename__ = "meeting_decisions"
    policy_kind: ClassVar[str] = "meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    motion_id: Mapped[str | None] = mapped_column(ForeignKey("motions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ActionItem(Base):
    """Belongs to the body; an open item carries over from meeting to meeting until done."""

    __tablename__ = "action_items"
    policy_kind: ClassVar[str] = "meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[Organisation] = relationship(lazy="raise")
