"""ORM classes of the hashes domain."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id


class SignalType(enum.StrEnum):
    PDQ = "pdq"
    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    # Stored and exchanged, never computed: the algorithm is proprietary.
    PHOTODNA = "photodna"


class ListKind(enum.StrEnum):
    # Hashes of known material: what matching is for.
    KNOWN = "known"
    # Hashes an organisation vouches are benign (memes, stock images, icons): a match of a
    # known list's entry against one of these is flagged with the reason, never a hit of its own.
    BENIGN = "benign"


class VoteVerdict(enum.StrEnum):
    CONFIRM = "confirm"
    DISPUTE = "dispute"


class FeedbackVerdict(enum.StrEnum):
    TRUE_POSITIVE = "true_positive"
    FALSE_POSITIVE = "false_positive"


class HashList(Base):
    """A list of hashes owned by one organisation, labelled with TLP 2.0 and distributed to its
    own organisation, named organisations and/or bodies."""

    __tablename__ = "hash_lists"
    policy_kind: ClassVar[str] = "hash_list"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    tlp: Mapped[str] = mapped_column(String(20))
    # Kept on the row (not a join) so that the policy rule decides from the row alone.
    audience_organisation_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    audience_body_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    trust_threshold: Mapped[int] = mapped_column(Integer, default=3)
    kind: Mapped[str] = mapped_column(String(16), default=ListKind.KNOWN, server_default="known")
    # The last change sequence number handed out in this list; every change takes the next.
    change_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HashEntry(Base):
    """One hash in a list. Removal sets ``tombstoned_at``; rows are never deleted, so the
    change feed carries deletions."""

    __tablename__ = "hash_entries"
    __table_args__ = (
        UniqueConstraint("list_id", "signal_type", "value"),
        Index("ix_hash_entries_list_seq", "list_id", "seq"),
        Index("ix_hash_entries_type_value", "signal_type", "value"),
    )
    policy_kind: ClassVar[str] = "hash_entry"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    list_id: Mapped[str] = mapped_column(ForeignKey("hash_lists.id"))
    signal_type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(300))
    pdq_quality: Mapped[int | None] = mapped_column(Integer)
    classification_scheme: Mapped[str | None] = mapped_column(String(16))
    classification: Mapped[str | None] = mapped_column(String(16))
    # Trust votes count only if cast after the classification they judge.
    classified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    series: Mapped[str | None] = mapped_column(String(200))
    victim_identified: Mapped[bool] = mapped_column(Boolean, default=False)
    offender_identified: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_seq: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    tombstoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tombstone_reason: Mapped[str | None] = mapped_column(String(200))

    @property
    def is_live(self) -> bool:
        return self.tombstoned_at is None


class TrustVote(Base):
    """Another organisation confirms or disputes an entry's classification; one vote per
    organisation and entry (voting again replaces it)."""

    __tablename__ = "hash_trust_votes"
    __table_args__ = (UniqueConstraint("entry_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "hash_trust_vote"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(ForeignKey("hash_entries.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MatchFeedback(Base):
    """A matching organisation's verdict on a match: true or false positive."""

    __tablename__ = "hash_match_feedback"
    __table_args__ = (UniqueConstraint("entry_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "hash_match_feedback"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(ForeignKey("hash_entries.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Sighting(Base):
    """One match of a query against an entry: who matched, when, how close. Visible only to
    the list owner. The query hash itself is not kept."""

    __tablename__ = "hash_sightings"
    policy_kind: ClassVar[str] = "hash_sighting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(ForeignKey("hash_entries.id"), index=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("hash_lists.id"), index=True)
    # Copied from the list so the policy decides from the row alone.
    list_owner_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    distance: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EntryQuarantine(Base):
    """An entry that suddenly matched far more than its history (a widespread benign image
    slipped into a list): held for the owner's review, its matches flagged meanwhile."""

    __tablename__ = "hash_entry_quarantines"
    __table_args__ = (Index("ix_hash_entry_quarantines_entry_open", "entry_id", "released_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(ForeignKey("hash_entries.id"))
    list_id: Mapped[str] = mapped_column(ForeignKey("hash_lists.id"), index=True)
    # Matches in the watched window, and the entry's usual count for a window that long.
    recent_matches: Mapped[int] = mapped_column(Integer)
    usual_matches: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The owner's review: "released" (a real flood of known material) or "tombstoned".
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    reviewed_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class ExportRule(Base):
    """One classification a destination country may receive, as the secretariat decided.
    A country without rules receives the INTERPOL baseline category only."""

    __tablename__ = "hash_export_rules"
    policy_kind: ClassVar[str] = "hash_export_rule"
    __table_args__ = (
        UniqueConstraint(
            "country",
            "classification_scheme",
            "classification",
            name="uq_hash_export_rules_country_category",  # the full name passes 63 characters
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(String(2), index=True)
    classification_scheme: Mapped[str] = mapped_column(String(16))
    classification: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
