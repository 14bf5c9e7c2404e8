"""The audit domain's scheduled work: sealing the chain (see nohaven.audit.sealing)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.audit import sealing
from nohaven.config import Settings
from nohaven.jobs.registry import Job, JobContext, Outcome


def seal(session: Session, _context: JobContext) -> Outcome:
    sealed = sealing.seal(session)
    # A full batch means more are waiting: the runner goes again at once.
    return Outcome({"sealed": sealed}, more=sealed >= sealing.SEAL_BATCH)


def scheduled(settings: Settings) -> list[Job]:
    return [
        Job(
            name="audit.seal",
            every=timedelta(seconds=settings.audit_seal_seconds),
            run=seal,
            description="Number and chain the audit entries committed since the last seal.",
            audited=False,
        )
    ]
