"""ORM classes of the audit domain."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import BigInteger, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime

_BIGINT = BigInteger().with_variant(Integer, "sqlite")


class AuditEntry(Base):
    """One audited change or sensitive read.

    The transaction it records inserts it with ``seq``, ``prev_hash`` and ``entry_hash`` still
    NULL (unsealed); the sealer (`nohaven.audit.sealing`) later gives it the next sequence
    number and chains it. ``id`` only names the row; ``seq`` is its place in the chain. See
    docs/audit.md.
    """

    __tablename__ = "audit_entries"
    policy_kind: ClassVar[str] = "audit_entry"
    __table_args__ = (
        # The sealer's queue: only unsealed rows, so it stays small however long the chain.
        Index(
            "ix_audit_entries_unsealed",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(_BIGINT, unique=True)
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
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    @property
    def sealed(self) -> bool:
        return self.seq is not None


class AuditHead(Base):
    """The last sealed seq and hash. Only the sealer moves it, in the transaction that seals,
    so cutting sealed entries off the end of the chain is detected too; its row is also the
    sealer's lock."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(_BIGINT)
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """The sealed head at a moment, signed with the audit signing key (which is never stored
    here). The database keeps these for export; members keep exported copies, which is what
    makes them useful against someone who can rewrite this table (nohaven.audit.checkpoints)."""

    __tablename__ = "audit_checkpoints"
    policy_kind: ClassVar[str] = "audit_checkpoint"

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(_BIGINT, index=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    # ISO 8601 text, exactly as signed.
    signed_at: Mapped[str] = mapped_column(String(40))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
