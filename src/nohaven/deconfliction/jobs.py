"""The deconfliction domain's scheduled work: deleting expired registrations."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.deconfliction import cases
from nohaven.jobs.registry import Job, JobContext, Outcome


def expire(session: Session, context: JobContext) -> Outcome:
    # Expired registrations stopped matching at their expiry; this removes the tokens.
    return Outcome({"registrations_deleted": cases.purge_expired(session, actor=context.actor)})


def scheduled(settings: Settings) -> list[Job]:
    hours = settings.deconfliction.purge_interval_hours
    return [
        Job(
            name="deconfliction.expire",
            every=timedelta(hours=hours),
            run=expire,
            description="Delete selector registrations past their expiry.",
        )
    ]
