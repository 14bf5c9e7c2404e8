"""ORM classes of membership applications and the register of WeProtect government members."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Organisation


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    VOTING = "voting"
    ADMITTED = "admitted"
    REFUSED = "refused"


class MembershipApplication(Base):
    __tablename__ = "membership_applications"
    policy_kind: ClassVar[str] = "application"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    letter: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED)
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The members' vote on the admission, once the application is put to one.
    motion_id: Mapped[str | None] = mapped_column(ForeignKey("motions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class AllianceMember(Base):
    """The register of WeProtect Global Alliance government members (kept by the secretariat)."""

    __tablename__ = "governance_alliance_members"
    policy_kind: ClassVar[str] = "standing_orders"

    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    since: Mapped[date] = mapped_column(Date)
