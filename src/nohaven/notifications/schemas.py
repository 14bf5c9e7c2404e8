"""Pydantic schemas of the notifications domain."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    kind: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None
