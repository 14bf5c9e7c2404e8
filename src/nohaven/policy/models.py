"""ORM classes of the policy domain."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id


class Status(enum.StrEnum):
    """How far a country's law meets one criterion."""

    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class ReviewState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Framework(Base):
    """One version of the criteria framework; the highest version is the one in force."""

    __tablename__ = "policy_frameworks"
    policy_kind: ClassVar[str] = "policy_framework"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    loaded_by: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="framework", lazy="raise", order_by="Criterion.position"
    )


class Criterion(Base):
    __tablename__ = "policy_criteria"
    __table_args__ = (UniqueConstraint("framework_id", "key"),)
    policy_kind: ClassVar[str] = "policy_framework"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    framework_id: Mapped[str] = mapped_column(ForeignKey("policy_frameworks.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str] = mapped_column(Text)
    weight: Mapped[int] = mapped_column(Integer)
    core: Mapped[bool] = mapped_column(Boolean)

    framework: Mapped[Framework] = relationship(back_populates="criteria", lazy="raise")


class Assessment(Base):
    """One version of one country's status against one criterion.

    Versions are never edited once submitted: a change is a new version, and the approved
    versions ordered by their approval time are the history the as-of views read.
    """

    __tablename__ = "policy_assessments"
    __table_args__ = (Index("ix_policy_assessments_lookup", "state", "country", "criterion_key"),)
    policy_kind: ClassVar[str] = "policy_assessment"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(String(2), index=True)
    criterion_key: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20))
    citations: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Demo and training records: every page showing one says it is not a real finding.
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default=ReviewState.DRAFT)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    assessor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    assessor_label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    reviewer_organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    reviewer_label: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")


class MaturityAssessment(Base):
    """An organisation's self-assessment of its country's national response; private to the
    organisation unless shared with a body."""

    __tablename__ = "policy_maturity_assessments"
    policy_kind: ClassVar[str] = "policy_maturity"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")

    ratings: Mapped[list[MaturityRating]] = relationship(
        back_populates="assessment", lazy="raise", cascade="all, delete-orphan"
    )
    shares: Mapped[list[MaturityShare]] = relationship(
        back_populates="assessment", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def shared_body_ids(self) -> list[str]:
        return [share.body_id for share in self.shares]


class MaturityRating(Base):
    __tablename__ = "policy_maturity_ratings"
    __table_args__ = (UniqueConstraint("assessment_id", "capability_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    assessment_id: Mapped[str] = mapped_column(
        ForeignKey("policy_maturity_assessments.id"), index=True
    )
    capability_key: Mapped[str] = mapped_column(String(60))
    phase: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessment: Mapped[MaturityAssessment] = relationship(back_populates="ratings", lazy="raise")


class MaturityShare(Base):
    __tablename__ = "policy_maturity_shares"
    __table_args__ = (UniqueConstraint("assessment_id", "body_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    assessment_id: Mapped[str] = mapped_column(
        ForeignKey("policy_maturity_assessments.id"), index=True
    )
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_by: Mapped[str] = mapped_column(String(200))

    assessment: Mapped[MaturityAssessment] = relationship(back_populates="shares", lazy="raise")
