"""The hashes domain's scheduled work: the flood watch (nohaven.hashes.quarantine)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.hashes import quarantine
from nohaven.jobs.registry import Job, JobContext, Outcome


def watch_floods(session: Session, context: JobContext) -> Outcome:
    return Outcome(
        {"quarantined": quarantine.watch(session, rule=quarantine.FloodRule(), now=context.now)}
    )


def scheduled(_settings: Settings) -> list[Job]:
    return [
        Job(
            name="hashes.flood_watch",
            every=timedelta(minutes=5),
            run=watch_floods,
            description="Hold entries that suddenly match far more than their history.",
        )
    ]
