"""ORM classes of the job runner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nohaven.db import Base, UTCDateTime


class JobState(Base):
    """Where one job stands: when it is due next and how its last run went. Shared by every
    process, so the schedule is the same wherever it is read."""

    __tablename__ = "jobs"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "done" or "failed"
    last_outcome: Mapped[str | None] = mapped_column(String(20))
    # Canonical JSON of the run's counts; never personal data.
    last_summary: Mapped[str | None] = mapped_column(Text)
    # The exception's class only: its message may quote data (the traceback goes to the log).
    last_error: Mapped[str | None] = mapped_column(String(200))
    # host:pid of the process that ran it last, so an operator sees where work happens.
    last_runner: Mapped[str | None] = mapped_column(String(200))
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
