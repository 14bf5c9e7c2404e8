"""Pydantic shapes of the mission statement, progress reports and case studies."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from nohaven.db import SQL_INT_MAX
from nohaven.governance.progress.models import ProgressStatus
from nohaven.kit.schemas import Count


class ProgressReportCreate(BaseModel):
    commitment_number: int = Field(ge=1, le=SQL_INT_MAX)
    period: str = Field(pattern=r"^\d{4}-H[12]$")
    status: ProgressStatus
    narrative: str = Field(default="", max_length=20000)
    evidence: list[str] = Field(default_factory=list, max_length=20)


class MissionCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    preamble: str = Field(default="", max_length=20000)
    commitments: list[str] = Field(min_length=1, max_length=50)


class CommitmentRead(BaseModel):
    number: int
    text: str


class MissionRead(BaseModel):
    id: str
    body_id: str
    title: str
    preamble: str
    commitments: list[CommitmentRead]
    signatories: dict[str, date]


class ReportRead(BaseModel):
    id: str
    organisation_id: str
    commitment_number: int
    period: str
    status: str
    narrative: str
    evidence: list[str]
    updated_at: datetime


class DashboardRead(BaseModel):
    mission_id: str
    commitments: list[CommitmentRead]
    # commitment number -> status -> count of signatories whose latest report says so
    counts: dict[int, dict[str, int]]
    reports: list[ReportRead]


class CaseStudyCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=50000)
    commitments: list[Count] = Field(default_factory=list)
    capabilities: list[Count] = Field(default_factory=list)
    publish: bool = False


class CaseStudyRead(BaseModel):
    id: str
    body_id: str
    organisation_id: str
    title: str
    text: str
    commitments: list[int]
    capabilities: list[int]
    published: bool
