"""What a job is: a named run every so often, with the context it is handed. The jobs
themselves are listed where they are installed (``nohaven.main.JOB_SCHEDULES``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class Outcome:
    """What a run did, as counts (they go into the job's state and its audit entry)."""

    counts: dict[str, int]
    # More work is waiting (a batch was full): run again at once rather than at the interval.
    more: bool = False

    @property
    def changed(self) -> bool:
        return any(self.counts.values())


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[Session, JobContext], Outcome]
    description: str
    # The runner writes a "job.run" audit entry for a run that changed something. The sealer
    # is the exception: its record is the chain itself, and an entry per seal would never let
    # the tail empty.
    audited: bool = True
