"""Pydantic shapes of motions and votes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from nohaven.kit.schemas import Moment


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
    # What the motion decides, when it decides something the platform acts on (filled from
    # the statement or application that points to it).
    statement_id: str | None = None
    application_id: str | None = None
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
