"""Pydantic schemas of the governance domain."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from nohaven.db import SQL_INT_MAX
from nohaven.governance.models import Majority, ProgressStatus
from nohaven.kit.schemas import Day, Instant, Moment


class SettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    body_id: str
    quorum_percent: int
    majority: str
    eligible_kinds: list[str]
    requires_alliance_membership: bool


class SettingsUpdate(BaseModel):
    quorum_percent: int | None = Field(default=None, ge=0, le=100)
    majority: Majority | None = None
    eligible_kinds: list[str] | None = None
    requires_alliance_membership: bool | None = None


class MotionCreate(BaseModel):
    body: str = Field(description="body id or slug")
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(default="", max_length=20000)
    options: list[str] | None = Field(default=None, max_length=12)
    opens_at: Moment | None = None
    closes_at: Moment
    secret: bool = False
    statement_id: str | None = None


class MotionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    body_id: str
    title: str
    text: str
    options: list[str]
    opens_at: datetime
    closes_at: datetime
    secret: bool
    majority: str
    quorum_percent: int
    statement_id: str | None
    application_id: str | None
    closed_at: datetime | None
    tally: dict[str, int] | None
    eligible: int | None
    turnout: int | None
    quorum_met: bool | None
    outcome: str | None
    winner: str | None


class VoteCast(BaseModel):
    option: str = Field(min_length=1, max_length=80)
    receipt: str | None = Field(default=None, max_length=100)


class VoteRead(BaseModel):
    motion_id: str
    changed: bool
    receipt: str | None = Field(
        description="secret ballots: keep it; it is shown once and needed to change the vote"
    )


class MeetingCreate(BaseModel):
    body: str
    title: str = Field(min_length=1, max_length=200)
    starts_at: Instant = Field(description="local time in `timezone` (or aware)")
    duration_minutes: int = Field(default=120, ge=15, le=60 * 24 * 5)
    timezone: str = Field(default="UTC", max_length=60)
    location: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=300)


class MeetingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    body_id: str
    title: str
    starts_at: Instant
    ends_at: datetime
    timezone: str
    location: str
    online_url: str
    status: str
    minutes: str
    minutes_status: str


class AgendaItemCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)


class AgendaItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    meeting_id: str
    title: str
    description: str
    proposer_id: str
    proposer_capacity: str
    status: str
    position: int | None


class AgendaDecision(BaseModel):
    status: str = Field(pattern="^(accepted|declined)$")
    position: int | None = Field(default=None, ge=1, le=1000)


class MinutesUpdate(BaseModel):
    text: str | None = Field(default=None, max_length=100000)
    status: str = Field(pattern="^(drafted|circulated|approved)$")


class ActionItemCreate(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    owner_id: str
    due_date: Day


class ActionItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    body_id: str
    meeting_id: str
    text: str
    owner_id: str
    due_date: Day
    status: str


class StatementCreate(BaseModel):
    body: str
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=50000)


class StatementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    body_id: str
    slug: str
    title: str
    status: str
    adopted_version: int | None
    published_at: datetime | None


class ProgressReportCreate(BaseModel):
    commitment_number: int = Field(ge=1, le=SQL_INT_MAX)
    period: str = Field(pattern=r"^\d{4}-H[12]$")
    status: ProgressStatus
    narrative: str = Field(default="", max_length=20000)
    evidence: list[str] = Field(default_factory=list, max_length=20)
