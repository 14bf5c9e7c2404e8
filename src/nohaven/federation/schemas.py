"""Pydantic schemas of the federation domain: what nodes send each other and what the API
shows of peers and subscriptions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from nohaven.auth.policy import Tlp
from nohaven.hashes.models import FeedbackVerdict, ListKind, SignalType, VoteVerdict

_ID = Field(min_length=1, max_length=32)


class NodeRead(BaseModel):
    node_id: str
    name: str
    url: str
    public_key: str


class PeeringRequest(BaseModel):
    """A node asking to peer: who it is and where it answers. Signed with the key it names."""

    node_id: str = Field(min_length=32, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=8, max_length=300, pattern=r"^https?://")
    public_key: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")


class PeerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    node_id: str
    name: str
    url: str
    status: str
    organisation_id: str | None
    created_at: datetime
    decided_at: datetime | None
    last_contact_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None


class PeerApprove(BaseModel):
    organisation_id: str = _ID


class PeerRequestCreate(BaseModel):
    url: str = Field(min_length=8, max_length=300, pattern=r"^https?://")
    # Who the peer is on this node: the owner of the copies of its lists kept here.
    organisation_id: str = _ID
    # The fingerprint the peer's admin read out; the request is refused if the key differs.
    expect_node_id: str | None = Field(default=None, max_length=64)


class SharedList(BaseModel):
    """A list the owner's policy lets the calling peer see."""

    id: str
    name: str
    description: str
    tlp: Tlp
    kind: ListKind = ListKind.KNOWN
    change_seq: int


class FeedEntry(BaseModel):
    id: str = _ID
    signal_type: SignalType
    value: str = Field(min_length=1, max_length=300)
    pdq_quality: int | None = Field(default=None, ge=0, le=100)
    classification_scheme: str | None = Field(default=None, max_length=16)
    classification: str | None = Field(default=None, max_length=16)
    series: str | None = Field(default=None, max_length=200)
    victim_identified: bool = False
    offender_identified: bool = False
    trusted: bool = False
    tombstoned: bool = False
    tombstone_reason: str | None = Field(default=None, max_length=200)


class FeedChange(BaseModel):
    seq: int = Field(ge=1)
    change: str
    entry: FeedEntry


class FeedPage(BaseModel):
    hash_list: SharedList = Field(alias="list")
    since: int
    checkpoint: int
    more: bool
    changes: list[FeedChange]


class SightingReport(BaseModel):
    id: str = _ID
    entry_id: str = _ID
    distance: int = Field(ge=0, le=256)
    at: datetime


class VerdictReport(BaseModel):
    entry_id: str = _ID
    comment: str = Field(default="", max_length=2000)


class FeedbackReport(VerdictReport):
    verdict: FeedbackVerdict


class VoteReport(VerdictReport):
    verdict: VoteVerdict


class Report(BaseModel):
    """What a subscriber sends back about one list."""

    list_id: str = _ID
    sightings: list[SightingReport] = Field(default_factory=list, max_length=10_000)
    feedback: list[FeedbackReport] = Field(default_factory=list, max_length=10_000)
    votes: list[VoteReport] = Field(default_factory=list, max_length=10_000)


class ReportReceipt(BaseModel):
    sightings: int
    feedback: int
    votes: int


class SubscriptionCreate(BaseModel):
    peer_id: str = _ID
    remote_list_id: str = _ID
    share_sightings: bool = False


class SubscriptionUpdate(BaseModel):
    share_sightings: bool


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    peer_id: str
    remote_list_id: str
    organisation_id: str
    local_list_id: str
    status: str
    checkpoint: int
    remote_head: int
    lag: int
    share_sightings: bool
    last_sync_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
