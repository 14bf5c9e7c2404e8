"""ORM classes of the public contact form."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id


class ContactMessage(Base):
    __tablename__ = "contact_messages"
    policy_kind: ClassVar[str] = "contact_message"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The secretariat's queue: a message is open until someone marks it handled (or replies).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    handled_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContactAttempt(Base):
    """One submission of the public contact form, by a keyed hash of the sender's address:
    the per-address rate limit lives in the database, so it holds across app servers."""

    __tablename__ = "contact_attempts"
    policy_kind: ClassVar[str] = "contact_message"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
