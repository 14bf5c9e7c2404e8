"""ORM classes of the federation domain."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.crypto import SealedColumn
from nohaven.kit.ids import new_id


class PeerStatus(enum.StrEnum):
    # We asked the peer; its admin has not approved us (as far as we know).
    REQUESTED = "requested"
    # The peer asked us; our admin has not decided.
    PENDING = "pending"
    ACTIVE = "active"
    REFUSED = "refused"
    SUSPENDED = "suspended"


class SubscriptionStatus(enum.StrEnum):
    ACTIVE = "active"
    # The owner narrowed the list's TLP or distribution past us: our copy was dropped.
    RECALLED = "recalled"
    CANCELLED = "cancelled"


class Peer(Base):
    """Another nohaven node, known by the Ed25519 key pinned when the peering was set up.

    On this node the peer acts as ``organisation_id`` through ``node_user_id``: the owner's
    policy decides what the peer sees exactly as it decides for that organisation's users."""

    __tablename__ = "federation_peers"
    policy_kind: ClassVar[str] = "federation_peer"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # The fingerprint of the pinned public key; a key change is a new peer, never an update.
    node_id: Mapped[str] = mapped_column(String(64), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    node_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Subscription(Base):
    """One list a peer shares with us, copied into ``local_list_id`` for ``organisation_id``
    (the subscribing organisation here) and kept in step from the owner's change feed."""

    __tablename__ = "federation_subscriptions"
    __table_args__ = (UniqueConstraint("peer_id", "remote_list_id"),)
    policy_kind: ClassVar[str] = "federation_subscription"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    peer_id: Mapped[str] = mapped_column(ForeignKey("federation_peers.id"), index=True)
    remote_list_id: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    local_list_id: Mapped[str] = mapped_column(ForeignKey("hash_lists.id"))
    status: Mapped[str] = mapped_column(String(16), default=SubscriptionStatus.ACTIVE)
    # The owner's change number we have applied, and the owner's latest one we were told of.
    checkpoint: Mapped[int] = mapped_column(Integer, default=0)
    remote_head: Mapped[int] = mapped_column(Integer, default=0)
    # The subscribing organisation's choice: our sightings of this list go back to the owner.
    share_sightings: Mapped[bool] = mapped_column(Boolean, default=False)
    # What has gone back to the owner: reports are sent again from here (the owner drops
    # repeats), so a report cut off midway is never lost.
    reported_through: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def lag(self) -> int:
        """Changes the owner has that we have not applied yet (as of the last contact)."""
        return max(self.remote_head - self.checkpoint, 0)


class TaxiiSource(Base):
    """A TAXII 2.1 collection elsewhere that feeds a list of ours: its indicators over file
    hashes become the list's entries, revoked ones its tombstones."""

    __tablename__ = "taxii_sources"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    list_id: Mapped[str] = mapped_column(ForeignKey("hash_lists.id"), index=True)
    collection_url: Mapped[str] = mapped_column(String(500))
    username: Mapped[str | None] = mapped_column(String(200))
    # Sealed with the data keys (nohaven.kit.crypto): a database dump alone cannot read it.
    password_sealed: Mapped[str | None] = mapped_column(Text)
    # The collection's latest date added we have read through (its own clock, as it sent it).
    added_after: Mapped[str | None] = mapped_column(String(40))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_pull_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # What the last pull that went through did ("3 added, 1 tombstoned, 0 skipped").
    last_outcome: Mapped[str | None] = mapped_column(String(200))
    # A paused source is not pulled until its list's owner resumes it.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def sealed_columns() -> list[SealedColumn]:
    return [SealedColumn("taxii_sources", "password_sealed", field="password")]
