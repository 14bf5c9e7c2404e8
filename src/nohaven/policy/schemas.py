"""Pydantic shapes of the policy domain."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nohaven.kit.schemas import Day
from nohaven.policy.models import Status


class AssessmentCreate(BaseModel):
    country: str = Field(min_length=2, max_length=2)
    criterion_key: str = Field(min_length=2, max_length=60)
    status: Status
    citations: list[str] = Field(default_factory=list, max_length=20)
    evidence_url: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=5000)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.strip().upper()

    @field_validator("citations")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        cleaned = [c.strip() for c in value if c.strip()]
        if any(len(c) > 500 for c in cleaned):
            raise ValueError("a citation is at most 500 characters")
        return cleaned

    @field_validator("evidence_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("the evidence link must start with https:// or http://")
        return value


class AssessmentUpdate(BaseModel):
    status: Status | None = None
    citations: list[str] | None = None
    evidence_url: str | None = None
    note: str | None = None


class ReviewDecision(BaseModel):
    note: str = Field(default="", max_length=5000)


class AssessmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    country: str
    criterion_key: str
    status: str
    citations: list[str]
    evidence_url: str
    note: str
    illustrative: bool
    state: str
    organisation_id: str
    assessor_label: str
    created_at: datetime
    submitted_at: datetime | None
    reviewer_label: str | None
    reviewer_organisation_id: str | None
    decided_at: datetime | None
    review_note: str


class CriterionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    position: int
    question: str
    guidance: str
    weight: int
    core: bool


class FrameworkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    title: str
    note: str
    loaded_by: str
    loaded_at: datetime
    criteria: list[CriterionRead]


class ImportRejection(BaseModel):
    row: int
    field: str
    message: str


class ImportReport(BaseModel):
    created: int
    rejected: list[ImportRejection]


class CountryStatusRead(BaseModel):
    country: str
    name: str
    region: str
    sub_region: str
    met: int
    partially_met: int
    not_met: int
    unknown: int
    score: float | None
    failed_core: list[str]
    gaps: list[str]


class SafeHavenChange(BaseModel):
    country: str
    name: str
    change: str  # "new", "resolved"


class SafeHavensRead(BaseModel):
    as_of: Day
    since: Day | None
    region: str | None
    body: str | None
    countries: list[CountryStatusRead]
    changes: list[SafeHavenChange]


class CriterionFailuresRead(BaseModel):
    key: str
    core: bool
    met: list[str]
    partially_met: list[str]
    not_met: list[str]
    unknown_count: int


class ProgressRead(BaseModel):
    years: list[int]
    criteria: dict[str, list[int]]


class MaturityRatingIn(BaseModel):
    capability_key: str
    phase: int = Field(ge=1, le=4)
    evidence: str = Field(default="", max_length=5000)


class MaturityRatingRead(BaseModel):
    capability_key: str
    phase: int
    evidence: str


class MaturityRead(BaseModel):
    organisation_id: str
    organisation_name: str
    country: str | None
    updated_at: datetime
    ratings: list[MaturityRatingRead]
    shared_with: list[str]
