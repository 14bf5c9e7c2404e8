"""ORM classes of the travel domain.

Personal data (the subject, the conviction summary, the itinerary, free-text notes and the
old/new values of an amendment) is stored only sealed (envelope encryption,
`nohaven.kit.crypto`), each value bound to its table, field and row. In clear stays only what
routing and retention need: destination countries, departure dates (not times) and the date
the travel ends. Purging sets the sealed columns to NULL and keeps a skeleton: dates,
countries, status, who read it and when.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.crypto import SealedColumn
from nohaven.kit.ids import new_id


class RiskTier(enum.StrEnum):
    VERY_HIGH = "very_high"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Channel(enum.StrEnum):
    NOTICE = "notice"
    DIFFUSION = "diffusion"
    NONE = "none"


# UK practice (DOMAIN.md): a notice for very-high/high risk, a diffusion for medium, nothing
# for low. "none" means no INTERPOL notice or diffusion; the direct notification still goes.
CHANNEL_OF_TIER: dict[RiskTier, Channel] = {
    RiskTier.VERY_HIGH: Channel.NOTICE,
    RiskTier.HIGH: Channel.NOTICE,
    RiskTier.MEDIUM: Channel.DIFFUSION,
    RiskTier.LOW: Channel.NONE,
}


class NotificationStatus(enum.StrEnum):
    SENT = "sent"
    WITHDRAWN = "withdrawn"
    PURGED = "purged"


class ResponseKind(enum.StrEnum):
    ENTRY_REFUSED = "entry_refused"
    MONITORED = "monitored"
    NO_ACTION = "no_action"
    OTHER = "other"


class ComplaintSource(enum.StrEnum):
    RECEIVER = "receiver"
    SUBJECT_REPRESENTATIVE = "subject_representative"


class ComplaintStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    REJECTED = "rejected"


class PointOfContact(Base):
    """The member organisation that receives travel notifications for one country."""

    __tablename__ = "travel_points_of_contact"
    policy_kind: ClassVar[str] = "travel_point_of_contact"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(String(2), unique=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TravelNotification(Base):
    __tablename__ = "travel_notifications"
    policy_kind: ClassVar[str] = "travel_notification"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    sender_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    tlp: Mapped[str] = mapped_column(String(20), default="TLP:RED")
    # Denormalised so the policy can decide without a query: the named receivers.
    recipient_organisation_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=NotificationStatus.SENT, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    risk_tier: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    # Sealed personal data; NULL once purged.
    subject_name: Mapped[str | None] = mapped_column(Text)
    subject_date_of_birth: Mapped[str | None] = mapped_column(Text)
    subject_nationality: Mapped[str | None] = mapped_column(Text)
    subject_passport_number: Mapped[str | None] = mapped_column(Text)
    conviction_summary: Mapped[str | None] = mapped_column(Text)
    # The first departure's date (UTC); the time is in the sealed itinerary.
    departs_on: Mapped[date] = mapped_column(Date, index=True)
    # Kept in clear for the retention purge (see jobs.py), which must find expired rows.
    travel_ends_on: Mapped[date] = mapped_column(Date, index=True)
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)  # sealed
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    legs: Mapped[list[ItineraryLeg]] = relationship(
        lazy="raise", order_by="ItineraryLeg.position", cascade="all, delete-orphan"
    )
    recipients: Mapped[list[Recipient]] = relationship(
        lazy="raise", order_by="Recipient.countries", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status == NotificationStatus.SENT


class ItineraryLeg(Base):
    __tablename__ = "travel_itinerary_legs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    notification_id: Mapped[str] = mapped_column(
        ForeignKey("travel_notifications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    # What routing needs, in clear: where to, and on which day.
    destination_country: Mapped[str] = mapped_column(String(2), index=True)
    departs_on: Mapped[date] = mapped_column(Date, index=True)
    # Sealed JSON: departure time, leaving date, carrier, flight number. NULL once purged.
    itinerary: Mapped[str | None] = mapped_column(Text)


class Recipient(Base):
    """One named receiving organisation and how far it got with the notification."""

    __tablename__ = "travel_recipients"
    __table_args__ = (UniqueConstraint("notification_id", "organisation_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    notification_id: Mapped[str] = mapped_column(
        ForeignKey("travel_notifications.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    countries: Mapped[str] = mapped_column(String(100))  # comma-separated alpha-2 codes
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_version: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(String(20))
    response_note: Mapped[str | None] = mapped_column(Text)  # sealed
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReadReceipt(Base):
    __tablename__ = "travel_read_receipts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    notification_id: Mapped[str] = mapped_column(
        ForeignKey("travel_notifications.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    reader_label: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Amendment(Base):
    __tablename__ = "travel_amendments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    notification_id: Mapped[str] = mapped_column(
        ForeignKey("travel_notifications.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Sealed JSON {field: [old, new]} and reason; NULL once purged.
    changes: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    amended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    amended_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class Complaint(Base):
    """An erroneous-notification complaint, lodged through a receiver and resolved by the
    sender with reasons."""

    __tablename__ = "travel_complaints"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    notification_id: Mapped[str] = mapped_column(
        ForeignKey("travel_notifications.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    lodged_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(30))
    grounds: Mapped[str | None] = mapped_column(Text)  # sealed
    status: Mapped[str] = mapped_column(String(16), default=ComplaintStatus.OPEN)
    resolution: Mapped[str | None] = mapped_column(Text)  # sealed
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


def sealed_columns() -> list[SealedColumn]:
    """Columns of this domain sealed under the data keys (see `nohaven.keys`)."""
    return [
        SealedColumn(table, column)
        for table, columns in sealed_fields().items()
        for column in columns
    ]


def sealed_fields() -> dict[str, tuple[str, ...]]:
    """Which columns of which table hold sealed values (for purge and tests)."""
    return {
        "travel_itinerary_legs": ("itinerary",),
        "travel_notifications": (
            "subject_name",
            "subject_date_of_birth",
            "subject_nationality",
            "subject_passport_number",
            "conviction_summary",
            "withdrawal_reason",
        ),
        "travel_recipients": ("response_note",),
        "travel_amendments": ("changes", "reason"),
        "travel_complaints": ("grounds", "resolution"),
    }
