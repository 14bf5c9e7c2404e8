"""Pydantic schemas of the hashes domain."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from nohaven.auth.policy import Tlp
from nohaven.hashes.models import FeedbackVerdict, ListKind, SignalType, VoteVerdict
from nohaven.kit.schemas import Count


class HashListCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    description: str = Field(default="", max_length=4000)
    tlp: Tlp = Tlp.AMBER_STRICT
    audience_organisation_ids: list[str] = Field(default_factory=list, max_length=500)
    audience_body_ids: list[str] = Field(default_factory=list, max_length=50)
    trust_threshold: int = Field(default=3, ge=1, le=50)
    # "benign": hashes vouched harmless; matches of known lists against them are flagged.
    kind: ListKind = ListKind.KNOWN


class HashListUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    tlp: Tlp | None = None
    audience_organisation_ids: list[str] | None = Field(default=None, max_length=500)
    audience_body_ids: list[str] | None = Field(default=None, max_length=50)
    trust_threshold: int | None = Field(default=None, ge=1, le=50)


class HashListRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    description: str
    owner_organisation_id: str
    tlp: str
    audience_organisation_ids: list[str]
    audience_body_ids: list[str]
    trust_threshold: int
    kind: str
    change_seq: int
    created_at: datetime
    updated_at: datetime


class EntryCreate(BaseModel):
    # Exchange formats carry numeric categories (VICS "Category": 1).
    model_config = ConfigDict(coerce_numbers_to_str=True)
    signal_type: SignalType
    value: str = Field(min_length=1, max_length=300)
    pdq_quality: Count | None = None
    classification_scheme: str | None = None
    classification: str | None = None
    series: str | None = Field(default=None, max_length=200)
    victim_identified: bool = False
    offender_identified: bool = False
    source: str | None = Field(default=None, max_length=200)
    comment: str = Field(default="", max_length=4000)


class EntryUpdate(BaseModel):
    classification_scheme: str | None = None
    classification: str | None = None
    series: str | None = Field(default=None, max_length=200)
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    source: str | None = Field(default=None, max_length=200)
    comment: str | None = Field(default=None, max_length=4000)


class CrosswalkRead(BaseModel):
    scheme: str
    codes: list[str]
    status: str
    note: str


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    list_id: str
    signal_type: str
    value: str
    pdq_quality: int | None
    classification_scheme: str | None
    classification: str | None
    crosswalk: list[CrosswalkRead] = Field(default_factory=list)
    series: str | None
    victim_identified: bool
    offender_identified: bool
    source: str | None
    comment: str
    trusted: bool
    added_by_id: str | None
    created_at: datetime
    updated_at: datetime
    tombstoned_at: datetime | None
    tombstone_reason: str | None
    seq: int


class TombstoneRequest(BaseModel):
    reason: str = Field(default="", max_length=200)


class VoteCreate(BaseModel):
    verdict: VoteVerdict
    comment: str = Field(default="", max_length=2000)


class VoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    entry_id: str
    organisation_id: str
    verdict: str
    comment: str
    created_at: datetime


class FeedbackCreate(BaseModel):
    verdict: FeedbackVerdict
    comment: str = Field(default="", max_length=2000)


class FeedbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    entry_id: str
    organisation_id: str
    verdict: str
    comment: str
    created_at: datetime


class SightingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    entry_id: str
    list_id: str
    organisation_id: str | None
    actor_label: str
    distance: int
    at: datetime


class EntryDetail(BaseModel):
    entry: EntryRead
    votes: list[VoteRead]
    feedback: list[FeedbackRead]
    sightings: list[SightingRead] | None = Field(
        default=None, description="only for the list owner"
    )


class MatchQuery(BaseModel):
    signal_type: SignalType
    value: str = Field(min_length=1, max_length=300)


class MatchRequest(BaseModel):
    queries: list[MatchQuery]
    pdq_threshold: Count | None = None


class ListSummary(BaseModel):
    id: str
    name: str
    owner_organisation_id: str
    owner_organisation_name: str
    tlp: str


class MatchHit(BaseModel):
    distance: int
    entry: EntryRead
    list: ListSummary
    # Why this match may be doubted: the same hash in a benign list, a quarantined entry.
    flags: tuple[str, ...] = ()


class MatchResult(BaseModel):
    index: int
    signal_type: str
    value: str
    matches: list[MatchHit]


class MatchResponse(BaseModel):
    pdq_threshold: int
    results: list[MatchResult]


class ChangeRead(BaseModel):
    seq: int
    change: str = Field(description="added, updated or tombstoned")
    entry: EntryRead


class ChangesResponse(BaseModel):
    list_id: str
    since: int
    checkpoint: int
    more: bool
    changes: list[ChangeRead]


class RejectRead(BaseModel):
    record: int
    reason: str


class ImportReport(BaseModel):
    list_id: str
    format: str
    accepted: int
    added: int
    updated: int
    duplicates: int
    rejected_count: int
    rejected: list[RejectRead] = Field(description="the first 1,000 rejected records")
    committed: bool
