"""ORM classes of the audit domain."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    policy_kind: ClassVar[str] = "audit_entry"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_user_id: Mapped[str | None] = mapped_column(String(32), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    organisation_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    resource_type: Mapped[str] = mapped_column(String(60))
    resource_id: Mapped[str | None] = mapped_column(String(64), index=True)
    request_id: Mapped[str] = mapped_column(String(64))
    # Canonical JSON text (sorted keys), never personal data or selectors.
    summary: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The last seq and hash, moved in the same transaction as each append, so cutting entries
    off the end of the chain is detected too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    entry_hash: Mapped[str] = mapped_column(String(64))
