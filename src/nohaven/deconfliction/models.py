"""ORM classes of the deconfliction domain.

Nothing here holds a selector: a registration holds the match token (HKDF of the OPRF output,
computable only with the server's OPRF key and the selector) and a contact card sealed by the
client under a key derived from the same output. The OPRF key itself is never stored; a key
epoch records only its public key, so a changed key is noticed.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id


class HandlingCode(enum.StrEnum):
    """Handling codes as law-enforcement exchange systems use them."""

    H0 = "H0"  # for law-enforcement purposes
    H1 = "H1"  # not to be used in judicial proceedings without the owner's permission
    H2 = "H2"  # not to be disseminated further without the owner's permission
    H3 = "H3"  # other restrictions: ask the owner before acting


class Outcome(enum.StrEnum):
    RELEVANT = "relevant"
    DECONFLICTED = "deconflicted"
    FALSE_POSITIVE = "false_positive"


class KeyEpoch(Base):
    """One period of one OPRF key. Tokens of an older epoch no longer match."""

    __tablename__ = "deconfliction_key_epochs"
    policy_kind: ClassVar[str] = "deconfliction_key"

    epoch: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Case(Base):
    """An agency's investigation, known here only by its opaque reference."""

    __tablename__ = "deconfliction_cases"
    __table_args__ = (UniqueConstraint("organisation_id", "reference"),)
    policy_kind: ClassVar[str] = "deconfliction_case"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(80))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Registration(Base):
    __tablename__ = "deconfliction_registrations"
    __table_args__ = (UniqueConstraint("case_id", "token", "key_epoch"),)
    policy_kind: ClassVar[str] = "deconfliction_registration"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("deconfliction_cases.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), index=True)
    key_epoch: Mapped[int] = mapped_column(Integer)
    selector_type: Mapped[str] = mapped_column(String(20))
    handling_code: Mapped[str] = mapped_column(String(4))
    masked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sealed by the client under HKDF(output, "contact"): opaque to the server.
    sealed_contact: Mapped[str] = mapped_column(Text)
    registered_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    case: Mapped[Case] = relationship(lazy="raise")


class Hit(Base):
    """Two or more agencies hold the same token in the same key epoch."""

    __tablename__ = "deconfliction_hits"
    __table_args__ = (UniqueConstraint("token", "key_epoch"),)
    policy_kind: ClassVar[str] = "deconfliction_hit"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    token: Mapped[str] = mapped_column(String(64))
    key_epoch: Mapped[int] = mapped_column(Integer)
    selector_type: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parties: Mapped[list[HitParty]] = relationship(
        lazy="raise", back_populates="hit", order_by="HitParty.joined_at"
    )


class HitParty(Base):
    """One agency's side of a hit: what it was told, whether it shows itself, its outcome."""

    __tablename__ = "deconfliction_hit_parties"
    __table_args__ = (UniqueConstraint("hit_id", "registration_id"),)
    policy_kind: ClassVar[str] = "deconfliction_hit_party"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    hit_id: Mapped[str] = mapped_column(
        ForeignKey("deconfliction_hits.id", ondelete="CASCADE"), index=True
    )
    # Kept (as NULL) when the registration is deleted by closing its case or expiry.
    registration_id: Mapped[str | None] = mapped_column(
        ForeignKey("deconfliction_registrations.id", ondelete="SET NULL")
    )
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_reference: Mapped[str] = mapped_column(String(80))
    handling_code: Mapped[str] = mapped_column(String(4))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sealed_contact: Mapped[str | None] = mapped_column(Text)
    revealed: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many counterpart agencies this side has been told of; a notice goes out when the
    # number it may know of grows (a new holder, or a masked holder revealing itself).
    counterparts_notified: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))

    hit: Mapped[Hit] = relationship(lazy="raise", back_populates="parties")


class QuotaBucket(Base):
    """A token bucket of OPRF evaluations for one user or one organisation."""

    __tablename__ = "deconfliction_quota_buckets"
    policy_kind: ClassVar[str] = "deconfliction_quota"

    subject: Mapped[str] = mapped_column(String(40), primary_key=True)  # "user:<id>", "org:<id>"
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    evaluations_total: Mapped[int] = mapped_column(Integer, default=0)
    refused_total: Mapped[int] = mapped_column(Integer, default=0)


class RatioFlag(Base):
    """An organisation's registrations hit unusually often on one day: told to the secretariat."""

    __tablename__ = "deconfliction_ratio_flags"
    __table_args__ = (UniqueConstraint("organisation_id", "day"),)
    policy_kind: ClassVar[str] = "deconfliction_quota"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    day: Mapped[str] = mapped_column(String(10))
    registrations: Mapped[int] = mapped_column(Integer)
    hits: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
