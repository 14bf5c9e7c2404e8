"""The audit domain's scheduled work: sealing the chain (see nohaven.audit.sealing) and, where
a signing key is configured, signing its head (nohaven.audit.checkpoints)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.audit import checkpoints, sealing
from nohaven.config import Settings
from nohaven.jobs.registry import Job, JobContext, Outcome


def seal(session: Session, _context: JobContext) -> Outcome:
    sealed = sealing.seal(session)
    # A full batch means more are waiting: the runner goes again at once.
    return Outcome({"sealed": sealed}, more=sealed >= sealing.SEAL_BATCH)


def checkpoint(session: Session, context: JobContext) -> Outcome:
    key = checkpoints.load_key_file(context.settings.audit_signing_key_file)
    written = checkpoints.checkpoint_if_moved(session, key)
    return Outcome({"checkpoints": int(written is not None)})


def scheduled(settings: Settings) -> list[Job]:
    jobs = [
        Job(
            name="audit.seal",
            every=timedelta(seconds=settings.audit_seal_seconds),
            run=seal,
            description="Number and chain the audit entries committed since the last seal.",
            audited=False,
        )
    ]
    if settings.audit_signing_key_file is not None:
        jobs.append(
            Job(
                name="audit.checkpoint",
                every=timedelta(seconds=settings.audit_checkpoint_seconds),
                run=checkpoint,
                description="Sign the audit chain's sealed head with the audit signing key.",
            )
        )
    return jobs
