"""Pydantic shapes of what the public reads and what it sent."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class PublicStatement(BaseModel):
    slug: str
    title: str
    body: str
    published_at: datetime | None
    text: str
    signatories: list[str]


class ContactMessageRead(BaseModel):
    id: str
    name: str
    email: str
    subject: str
    message: str
    created_at: datetime
