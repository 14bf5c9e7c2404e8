"""Pydantic shapes of membership applications."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from nohaven.kit.schemas import Moment


class ApplicationCreate(BaseModel):
    body: str
    letter: str = Field(default="", max_length=20000)


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    body_id: str
    organisation_id: str
    letter: str
    status: str
    reasons: str
    decided_at: datetime | None


class VoteOpen(BaseModel):
    closes_at: Moment | None = None


class Refusal(BaseModel):
    reasons: str = Field(min_length=1, max_length=5000)
