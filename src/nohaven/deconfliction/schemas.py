"""Pydantic schemas of the deconfliction API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from nohaven.kit.schemas import Count, Instant


class EvaluateRequest(BaseModel):
    # Base64 of 32-byte ristretto255 elements, blinded by the client.
    elements: list[str] = Field(min_length=1)


class EvaluateResponse(BaseModel):
    key_epoch: Count
    elements: list[str]


class TokenIn(BaseModel):
    token: str = Field(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")
    selector_type: str = Field(max_length=20)
    sealed_contact: str = Field(min_length=1, max_length=4096)


class RegistrationRequest(BaseModel):
    case_reference: str = Field(min_length=1, max_length=80)
    handling_code: str = Field(max_length=4)
    key_epoch: Count
    masked: bool = False
    expires_at: Instant | None = None
    items: list[TokenIn] = Field(min_length=1)


class RegistrationResponse(BaseModel):
    case_id: str
    registered: int
    duplicates: int
    hits: int


class OwnSide(BaseModel):
    case_reference: str
    token: str | None  # the reader's own token, so its client finds the contact key
    handling_code: str
    registered_at: datetime
    masked: bool
    revealed: bool
    outcome: str | None
    outcome_at: datetime | None


class CounterpartOut(BaseModel):
    organisation: str
    country: str | None
    handling_code: str
    registered_at: datetime
    sealed_contact: str | None


class HitOut(BaseModel):
    hit_id: str
    selector_type: str
    created_at: datetime
    own: OwnSide
    counterparts: list[CounterpartOut]
    masked_counterparts: int


class OutcomeIn(BaseModel):
    outcome: str


class CaseOut(BaseModel):
    id: str
    reference: str
    registrations: int
    stale_registrations: int
    hits: int
    expires_at: Instant | None
    closed_at: datetime | None


class CountOut(BaseModel):
    count: int
