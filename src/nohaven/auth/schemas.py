"""Pydantic schemas of the auth domain."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nohaven.kit.schemas import Instant

Scope = Literal["read", "write", "admin"]


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(min_length=1)
    days: int = Field(default=90, ge=1, le=3650)


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    prefix: str
    scopes: list[str]
    user_id: str
    expires_at: Instant
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime


class TokenIssued(TokenRead):
    token: str = Field(description="The secret; shown once, store it now.")


class Me(BaseModel):
    user_id: str | None
    email: str
    organisation_id: str | None
    roles: list[str]
    scopes: list[str] | None
    body_roles: dict[str, str]
