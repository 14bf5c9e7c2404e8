"""Pydantic schemas of the federation domain: what nodes send each other and what the API
shows of peers and subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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


# A feed page carries its changes as rows of these columns, not as one object per entry:
# a first sync moves a million of them, and rows are several times cheaper to write, send,
# validate and apply than objects with their keys repeated.
FEED_COLUMNS = (
    "seq",
    "change",
    "id",
    "signal_type",
    "value",
    "pdq_quality",
    "classification_scheme",
    "classification",
    "series",
    "victim_identified",
    "offender_identified",
    "trusted",
    "tombstoned",
    "tombstone_reason",
)
# The most changes one page may carry between nodes (the hashes API's own pages are smaller).
FEED_PAGE_MAX = 20_000


FeedRow = tuple[
    Annotated[int, Field(ge=1)],
    Literal["added", "updated", "tombstoned"],
    Annotated[str, Field(min_length=1, max_length=32)],
    SignalType,
    Annotated[str, Field(min_length=1, max_length=300)],
    Annotated[int | None, Field(ge=0, le=100)],
    Annotated[str | None, Field(max_length=16)],
    Annotated[str | None, Field(max_length=16)],
    Annotated[str | None, Field(max_length=200)],
    bool,
    bool,
    bool,
    bool,
    Annotated[str | None, Field(max_length=200)],
]


class Withheld(BaseModel):
    """What the owner left out of a page under the export rules of our country, and why."""

    country: str = Field(max_length=2)
    allowed: list[str] = Field(max_length=500)
    left_out: dict[str, int] = Field(default_factory=dict, max_length=500)


class FeedPage(BaseModel):
    hash_list: SharedList = Field(alias="list")
    since: int
    checkpoint: int
    more: bool
    columns: list[str]
    rows: list[FeedRow]
    withheld: Withheld | None = None

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, columns: list[str]) -> list[str]:
        if tuple(columns) != FEED_COLUMNS:
            raise ValueError("the page's columns are not the ones this node reads")
        return columns


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
