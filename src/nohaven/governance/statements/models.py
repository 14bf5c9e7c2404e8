"""ORM classes of joint statements: versions, comments, signatories, and the statement's text
in other languages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Body, Organisation


class StatementStatus(enum.StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"
    PUBLISHED = "published"


class Statement(Base):
    __tablename__ = "statements"
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=StatementStatus.DRAFT)
    # The language the statement is drafted and adopted in: its versions are official in it.
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    adopted_version: Mapped[int | None] = mapped_column(Integer)
    # The motion put to the body to adopt it (the latest one, when an earlier one failed).
    motion_id: Mapped[str | None] = mapped_column(ForeignKey("motions.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(lazy="raise")


class StatementVersion(Base):
    __tablename__ = "statement_versions"
    __table_args__ = (UniqueConstraint("statement_id", "number"),)
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatementComment(Base):
    __tablename__ = "statement_comments"
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")


class StatementSignatory(Base):
    __tablename__ = "statement_signatories"
    __table_args__ = (UniqueConstraint("statement_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class StatementLanguage(Base):
    """The statement in one more language: a translation for readers, or, when the body
    adopted it as authentic too, an official text of equal standing (``official``)."""

    __tablename__ = "statement_languages"
    __table_args__ = (UniqueConstraint("statement_id", "language"),)
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.id"), index=True)
    # The body the statement belongs to, for the policy (a statement's rule reads `body_id`).
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"))
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    official: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
