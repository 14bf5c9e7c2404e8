"""Pydantic shapes of meetings, agendas, minutes, decisions, action items and initiatives."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from nohaven.kit.schemas import Day, Instant


class MeetingCreate(BaseModel):
    body: str
    title: str = Field(min_length=1, max_length=200)
    starts_at: Instant = Field(description="local time in `timezone` (or aware)")
    duration_minutes: int = Field(default=120, ge=15, le=60 * 24 * 5)
    timezone: str = Field(default="UTC", max_length=60)
    location: str = Field(default="", max_length=300)
    online_url: str = Field(default="", max_length=300)


class MeetingReschedule(BaseModel):
    starts_at: Instant = Field(description="local time in the meeting's zone (or aware)")
    duration_minutes: int | None = Field(default=None, ge=15, le=60 * 24 * 5)
    location: str | None = Field(default=None, max_length=300)


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


class Cadence(BaseModel):
    body_id: str
    meetings_per_year: int
    proposed_dates: list[date]


class AttendanceUpdate(BaseModel):
    organisation_ids: list[str]


class ActionStatusUpdate(BaseModel):
    status: str


class InitiativeIn(BaseModel):
    organisation_id: str


class InitiativeRead(BaseModel):
    id: str
    organisation_id: str
    name: str
    since: Day


class DecisionIn(BaseModel):
    text: str
    motion_id: str | None = None


class DecisionRead(BaseModel):
    id: str
    text: str
    motion_id: str | None
