"""ORM classes of the webhooks domain."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.crypto import SealedColumn
from nohaven.kit.ids import new_id


class EndpointState(enum.StrEnum):
    ACTIVE = "active"
    # Stopped after repeated failures (or by hand): deliveries wait until it is resumed.
    PAUSED = "paused"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    # Every attempt failed: kept in the log, sent again only when someone asks.
    FAILED = "failed"


class Endpoint(Base):
    """An address of an organisation's own system that receives the events it chose."""

    __tablename__ = "webhook_endpoints"
    policy_kind: ClassVar[str] = "webhook_endpoint"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Event kinds it receives, and those of them it receives with their full text.
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    full_payload_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The signing secret ("whsec_…"), sealed under the data keys; after a rotation the
    # previous one still signs until previous_secret_expires_at, so receivers can switch.
    secret_sealed: Mapped[str] = mapped_column(Text)
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default=EndpointState.ACTIVE)
    # Failed attempts in a row; a success sets it back to 0.
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """One event on its way to one endpoint. Its id is the message id receivers see
    (``webhook-id``), the same on every attempt, so they can drop a repeat."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(60))
    # The payload as JSON: identifiers, a path to the page, and (if the endpoint asked for it
    # for this kind) the notice's text, which never holds personal data.
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[Endpoint] = relationship(lazy="raise")


class Attempt(Base):
    """One try at sending a delivery: when, and what the receiver answered."""

    __tablename__ = "webhook_attempts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(200))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


def sealed_columns() -> list[SealedColumn]:
    """The endpoints' signing secrets, sealed under the data keys (see `nohaven.keys`)."""
    return [
        SealedColumn("webhook_endpoints", "secret_sealed", field="secret"),
        SealedColumn("webhook_endpoints", "previous_secret_sealed", field="previous_secret"),
    ]
