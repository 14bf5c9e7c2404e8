"""Pydantic shapes of the webhooks API."""

from __future__ import annotations

from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from nohaven.webhooks.events import EVENT_KINDS


def _known_kinds(kinds: list[str]) -> list[str]:
    unknown = sorted(set(kinds) - set(EVENT_KINDS))
    if unknown:
        raise ValueError(f"unknown event kinds: {', '.join(unknown)}")
    return sorted(set(kinds))


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    description: str = Field(default="", max_length=200)
    kinds: list[str] = Field(min_length=1, max_length=len(EVENT_KINDS))
    # Kinds (among ``kinds``) sent with the notice's text, not only identifiers and a link.
    full_payload_kinds: list[str] = Field(default_factory=list, max_length=len(EVENT_KINDS))

    @field_validator("kinds", "full_payload_kinds")
    @classmethod
    def _check_kinds(cls, kinds: list[str]) -> list[str]:
        return _known_kinds(kinds)

    @field_validator("url")
    @classmethod
    def _fits(cls, url: AnyHttpUrl) -> AnyHttpUrl:
        if len(str(url)) > 500:
            raise ValueError("at most 500 characters")
        return url


class EndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=200)
    kinds: list[str] | None = Field(default=None, min_length=1, max_length=len(EVENT_KINDS))
    full_payload_kinds: list[str] | None = Field(default=None, max_length=len(EVENT_KINDS))

    @field_validator("kinds", "full_payload_kinds")
    @classmethod
    def _check_kinds(cls, kinds: list[str] | None) -> list[str] | None:
        return None if kinds is None else _known_kinds(kinds)


class EndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    organisation_id: str
    url: str
    description: str
    kinds: list[str]
    full_payload_kinds: list[str]
    state: str
    consecutive_failures: int
    paused_at: datetime | None
    pause_reason: str | None
    previous_secret_expires_at: datetime | None
    created_at: datetime


class EndpointIssued(EndpointRead):
    """An endpoint with its signing secret: given once, when made or rotated."""

    secret: str


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    history: list[AttemptRead] = Field(default_factory=list)
