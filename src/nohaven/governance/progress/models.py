"""ORM classes of the mission statement, its commitments, signatures, progress reports and
case studies."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Organisation


class ProgressStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    OFF_TRACK = "off_track"


class MissionStatement(Base):
    __tablename__ = "mission_statements"
    policy_kind: ClassVar[str] = "mission"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    preamble: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Commitment(Base):
    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("mission_id", "number"),)
    policy_kind: ClassVar[str] = "mission"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("mission_statements.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class MissionSignature(Base):
    __tablename__ = "mission_signatures"
    __table_args__ = (UniqueConstraint("mission_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "mission"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("mission_statements.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    signed_on: Mapped[date] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class ProgressReport(Base):
    __tablename__ = "progress_reports"
    __table_args__ = (UniqueConstraint("commitment_id", "organisation_id", "period"),)
    policy_kind: ClassVar[str] = "progress_report"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    commitment_id: Mapped[str] = mapped_column(ForeignKey("commitments.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    # "2026-H1" or "2026-H2": members report twice a year, in step with the meetings.
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(20))
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseStudy(Base):
    __tablename__ = "case_studies"
    policy_kind: ClassVar[str] = "case_study"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    commitments: Mapped[list[int]] = mapped_column(JSON, default=list)
    capabilities: Mapped[list[int]] = mapped_column(JSON, default=list)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="raise")
