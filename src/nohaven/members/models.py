"""ORM classes of the members domain."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.crypto import SealedColumn
from nohaven.kit.ids import new_id


class OrganisationKind(enum.StrEnum):
    LAW_ENFORCEMENT = "law_enforcement"
    GOVERNMENT = "government"
    INTERGOVERNMENTAL = "intergovernmental"
    NGO = "ngo"
    INDUSTRY = "industry"
    HOTLINE = "hotline"


class BodyKind(enum.StrEnum):
    ALLIANCE = "alliance"
    REFERENCE_GROUP = "reference_group"


class MembershipRole(enum.StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    AFFILIATE = "affiliate"
    OBSERVER = "observer"
    SECRETARIAT = "secretariat"


# Chairs and vice-chairs are voting members too; affiliates, observers and the secretariat are not.
VOTING_ROLES = frozenset({MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.MEMBER})


class UserRole(enum.StrEnum):
    SECRETARIAT_ADMIN = "secretariat_admin"
    ORG_ADMIN = "org_admin"
    ANALYST = "analyst"
    DELEGATE = "delegate"
    OBSERVER = "observer"


class Organisation(Base):
    __tablename__ = "organisations"
    policy_kind: ClassVar[str] = "organisation"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(32))
    # ISO 3166-1 alpha-2; empty for intergovernmental organisations such as the African Union.
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], lazy="raise")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", lazy="raise"
    )


class Body(Base):
    __tablename__ = "bodies"
    policy_kind: ClassVar[str] = "body"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default=BodyKind.ALLIANCE)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    meetings_per_year: Mapped[int] = mapped_column(Integer, default=2)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Body | None] = relationship(remote_side=[id], lazy="raise")
    memberships: Mapped[list[Membership]] = relationship(back_populates="body", lazy="raise")


class Membership(Base):
    """One organisation's seat in one body for one span of time.

    A change of role ends the row and starts another, so the history answers questions such as
    who chaired the VGT in 2016.
    """

    __tablename__ = "memberships"
    policy_kind: ClassVar[str] = "membership"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="raise")
    body: Mapped[Body] = relationship(back_populates="memberships", lazy="raise")

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)


class User(Base):
    __tablename__ = "users"
    policy_kind: ClassVar[str] = "user"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The TOTP secret is sealed with the data key; a database dump alone cannot mint codes.
    totp_secret_sealed: Mapped[str | None] = mapped_column(Text)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the person chose to read nohaven in (a code of nohaven.kit.i18n.LANGUAGES);
    # None: the browser's Accept-Language, then the deployment's default, decide.
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="raise")

    def has_role(self, role: UserRole) -> bool:
        return role in self.roles


class Invitation(Base):
    __tablename__ = "invitations"
    policy_kind: ClassVar[str] = "invitation"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


def summary_of(obj: Any, *fields: str) -> dict[str, Any]:
    """The fields of a record worth putting in an audit summary (never secrets)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def sealed_columns() -> list[SealedColumn]:
    """Columns of this domain sealed under the data keys (see `nohaven.keys`)."""
    return [SealedColumn("users", "totp_secret_sealed", field="totp_secret")]
