"""ORM classes of the keys domain: the progress of a key rotation, so it can resume."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id


class RotationStatus(enum.StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    # Another key became current before this rotation finished; a new rotation took over.
    SUPERSEDED = "superseded"


class KeyRotation(Base):
    """Re-wrapping every sealed value under one target key. The cursor (which table, which
    row id last) moves in the same transaction as each batch it covers."""

    __tablename__ = "key_rotations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    target_key_id: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default=RotationStatus.RUNNING, index=True)
    table_position: Mapped[int] = mapped_column(Integer, default=0)
    after_id: Mapped[str | None] = mapped_column(String(64))
    passes: Mapped[int] = mapped_column(Integer, default=1)
    rewrapped: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
