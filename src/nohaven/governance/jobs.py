"""The governance domain's scheduled work: closing motions at their deadline (with what they
carry), and forgetting old contact-form attempts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.governance import flows
from nohaven.governance.public import service as public
from nohaven.jobs.registry import Job, JobContext, Outcome


def close_motions(session: Session, context: JobContext) -> Outcome:
    return Outcome({"closed": flows.close_due_motions(session, now=context.now)})


def prune_contact_attempts(session: Session, context: JobContext) -> Outcome:
    keep = context.settings.contact_attempts_keep_hours
    days = context.settings.contact_messages_keep_days
    return Outcome(
        {
            "pruned": public.prune_contact_attempts(session, now=context.now, keep_hours=keep),
            "messages_purged": public.purge_contact_messages(
                session, now=context.now, keep_days=days
            ),
        }
    )


def scheduled(settings: Settings) -> list[Job]:
    return [
        Job(
            name="governance.close_motions",
            every=timedelta(seconds=settings.motion_close_seconds),
            run=close_motions,
            description="Count and record the result of motions whose voting time is over.",
        ),
        Job(
            name="governance.prune_contact_attempts",
            every=timedelta(hours=1),
            run=prune_contact_attempts,
            description="Forget contact-form attempts and messages past their keeping time.",
        ),
    ]
