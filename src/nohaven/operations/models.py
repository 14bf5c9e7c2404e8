"""ORM classes of the operations domain.

An operation is TLP:RED by default: its participants see it, and outsiders at most its code
name, when the lead allows. What a referral says about a suspect (names, selectors, the
summary) and a briefing's text are stored only sealed (`nohaven.kit.crypto`), each bound to
its table, field and row; purging a referral sets its sealed columns to NULL and keeps a
skeleton (who sent it to whom, when, the outcome's kind).
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


class ActivityKind(enum.StrEnum):
    OPERATION = "operation"
    CAMPAIGN = "campaign"
    PRODUCT = "product"


class Phase(enum.StrEnum):
    PROPOSED = "proposed"
    PLANNING = "planning"
    ACTIVE = "active"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)


class ParticipantStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ReferralStatus(enum.StrEnum):
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    CONCLUDED = "concluded"
    PURGED = "purged"


class ReferralOutcome(enum.StrEnum):
    ARRESTED = "arrested"
    CHILDREN_SAFEGUARDED = "children_safeguarded"
    UNDER_INVESTIGATION = "under_investigation"
    NOT_IDENTIFIED = "not_identified"
    NO_FURTHER_ACTION = "no_further_action"


class Activity(Base):
    """One item of a body's programme: an operation, an awareness campaign or a product."""

    __tablename__ = "operations_activities"
    policy_kind: ClassVar[str] = "operation"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=ActivityKind.OPERATION)
    # The only thing non-participants ever see of an operation, and only if the lead allows.
    code_name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    lead_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    tlp: Mapped[str] = mapped_column(String(20), default="TLP:RED")
    phase: Mapped[str] = mapped_column(String(16), default=Phase.PROPOSED, index=True)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status_note: Mapped[str] = mapped_column(String(300), default="")
    code_name_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown on the body's public page (its code name, phase and dates, and the statement).
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    # Denormalised so the policy decides without a query: accepted participants (the lead
    # among them) and organisations invited but not yet answering.
    participant_organisation_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    invited_organisation_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    statement_id: Mapped[str | None] = mapped_column(ForeignKey("statements.id"))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_operation(self) -> bool:
        return self.kind == ActivityKind.OPERATION


class Participant(Base):
    """An organisation invited to an operation, its answer, its point of contact (sealed) and
    the time zone its action days are shown in."""

    __tablename__ = "operations_participants"
    __table_args__ = (UniqueConstraint("activity_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "operation_participant"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("operations_activities.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ParticipantStatus.INVITED)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    contact: Mapped[str | None] = mapped_column(Text)  # sealed
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship(lazy="raise")


class ActionDay(Base):
    __tablename__ = "operations_action_days"
    policy_kind: ClassVar[str] = "operation_action_day"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("operations_activities.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(120))
    # When it starts (UTC); each participant's page shows it in the participant's time zone.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    hours: Mapped[int] = mapped_column(Integer, default=24)

    activity: Mapped[Activity] = relationship(lazy="raise")


class Briefing(Base):
    """A briefing document: text only, with its TLP marking. No file is ever uploaded."""

    __tablename__ = "operations_briefings"
    policy_kind: ClassVar[str] = "operation_briefing"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("operations_activities.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    tlp: Mapped[str] = mapped_column(String(20), default="TLP:RED")
    text: Mapped[str | None] = mapped_column(Text)  # sealed
    author_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(lazy="raise")


class Referral(Base):
    """A package about a suspect or an account, passed by one participant to the agency of
    the country concerned. Only the sender and the receiver ever read it."""

    __tablename__ = "operations_referrals"
    policy_kind: ClassVar[str] = "operation_referral"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("operations_activities.id", ondelete="CASCADE"), index=True
    )
    sender_organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    receiver_organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    sent_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    subject_kind: Mapped[str] = mapped_column(String(16))  # person or account, in clear
    # Sealed JSON: the subject's names, the selectors, the summary. NULL once purged.
    package: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ReferralStatus.SENT, index=True)
    # How many other participants' deconfliction registrations matched when it was checked.
    deconfliction_matches: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledge_by: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(30))
    outcome_note: Mapped[str | None] = mapped_column(Text)  # sealed
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept in clear for the purge job, which must find expired rows.
    purge_after: Mapped[date] = mapped_column(Date, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ResultReport(Base):
    """One participant's figures for one action day, or for the follow-up."""

    __tablename__ = "operations_results"
    __table_args__ = (UniqueConstraint("activity_id", "organisation_id", "period"),)
    policy_kind: ClassVar[str] = "operation_result"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("operations_activities.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    # An action day's id, or FOLLOW_UP.
    period: Mapped[str] = mapped_column(String(32))
    arrests: Mapped[int] = mapped_column(Integer, default=0)
    children_safeguarded: Mapped[int] = mapped_column(Integer, default=0)
    devices_seized: Mapped[int] = mapped_column(Integer, default=0)
    referrals_sent: Mapped[int] = mapped_column(Integer, default=0)
    referrals_received: Mapped[int] = mapped_column(Integer, default=0)
    reported_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(lazy="raise")


FOLLOW_UP = "follow_up"
MEASURES: tuple[str, ...] = (
    "arrests",
    "children_safeguarded",
    "devices_seized",
    "referrals_sent",
    "referrals_received",
)


def sealed_columns() -> list[SealedColumn]:
    """Columns of this domain sealed under the data keys (see `nohaven.keys`)."""
    return [
        SealedColumn(table, column)
        for table, columns in sealed_fields().items()
        for column in columns
    ]


def sealed_fields() -> dict[str, tuple[str, ...]]:
    return {
        "operations_participants": ("contact",),
        "operations_briefings": ("text",),
        "operations_referrals": ("package", "outcome_note"),
    }
