"""Pydantic shapes of joint statements."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


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


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=50000)


class VersionRead(BaseModel):
    number: int
    text: str
    author_id: str | None
    created_at: datetime


class PublishIn(BaseModel):
    signatory_ids: list[str] | None = None
