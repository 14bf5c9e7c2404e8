"""ORM classes of the notifications domain."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id


class Notice(Base):
    """One message in an organisation's inbox. Other domains write the text, and keep anything
    sensitive (selectors, personal data) out of it: the notice only points to where the
    authorised reader finds the details."""

    __tablename__ = "notices"
    policy_kind: ClassVar[str] = "notice"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
