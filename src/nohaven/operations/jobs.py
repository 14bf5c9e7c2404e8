"""Scheduled work of operations: escalating referrals not acknowledged in time, and purging
what referrals say about their suspects after retention. Run by `nohaven operations
escalate|purge` and, on schedule, as the jobs ``operations.escalate`` and
``operations.purge`` of the one job runner (nohaven.jobs), under row locks.

A purge keeps the skeleton (sender, receiver, dates, status, the outcome's kind; the
operation, its participants and its figures) and sets every sealed value to NULL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.jobs.registry import Job, JobContext, Outcome
from nohaven.kit.clock import utcnow
from nohaven.notifications import service as notifications
from nohaven.operations import repository as repo
from nohaven.operations.models import ReferralStatus

PURGE_BATCH = 500


def escalate_overdue(session: Session, *, actor: Actor, now: datetime | None = None) -> int:
    """Each referral not acknowledged by its time, once: to the receiving agency's admins
    through its inbox, and the sender is told."""
    moment = now or utcnow()
    count = 0
    for referral in repo.overdue_referrals(session, moment):
        referral.escalated_at = moment
        count += 1
        audit.record(
            session,
            actor=actor,
            action="operation.referral.escalate",
            resource_type="operation_referral",
            resource_id=referral.id,
            organisation_id=referral.receiver_organisation_id,
            summary={"receiver": referral.receiver_organisation_id},
        )
        where = f"/operations/{referral.activity_id}/referrals/{referral.id}"
        notifications.notify(
            session,
            actor=actor,
            organisation_id=referral.receiver_organisation_id,
            kind="operations.escalation",
            title="For the organisation admin: a referral is overdue",
            body="A referral to your agency has not been acknowledged in time.",
            link=where,
        )
        notifications.notify(
            session,
            actor=actor,
            organisation_id=referral.sender_organisation_id,
            kind="operations.escalation",
            title="Your referral was not acknowledged in time: escalated",
            link=where,
        )
    session.flush()
    return count


def purge_expired(
    session: Session, *, actor: Actor, retention_days: int, now: datetime | None = None
) -> int:
    """Destroy the sealed package and outcome note of referrals past ``purge_after``, and the
    briefings' texts and points of contact of operations closed ``retention_days`` ago.
    Returns how many referrals and operations were purged."""
    today = (now or utcnow()).date()
    count = _purge_referrals(session, actor=actor, today=today)
    for activity in repo.closed_with_sealed_data(
        session, today - timedelta(days=retention_days), limit=PURGE_BATCH
    ):
        for briefing in repo.briefings(session, activity.id):
            briefing.text = None
        for participant, _org in repo.participants(session, activity.id):
            participant.contact = None
        count += 1
        audit.record(
            session,
            actor=actor,
            action="operation.purge",
            resource_type="operation",
            resource_id=activity.id,
            organisation_id=activity.lead_organisation_id,
            summary={"retention_days": retention_days},
        )
    session.flush()
    return count


def _purge_referrals(session: Session, *, actor: Actor, today: date) -> int:
    referrals = repo.expired_referrals(session, today, limit=PURGE_BATCH)
    for referral in referrals:
        referral.package = None
        referral.outcome_note = None
        referral.status = ReferralStatus.PURGED
        referral.purged_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="operation.referral.purge",
            resource_type="operation_referral",
            resource_id=referral.id,
            organisation_id=referral.sender_organisation_id,
            summary={"purge_after": referral.purge_after.isoformat()},
        )
    session.flush()
    return len(referrals)


def escalate(session: Session, context: JobContext) -> Outcome:
    return Outcome({"escalated": escalate_overdue(session, actor=context.actor, now=context.now)})


def purge(session: Session, context: JobContext) -> Outcome:
    days = context.settings.operations.referral_retention_days
    purged = purge_expired(session, actor=context.actor, retention_days=days, now=context.now)
    return Outcome({"purged": purged}, more=purged == PURGE_BATCH)


def scheduled(settings: Settings) -> list[Job]:
    limits = settings.operations
    return [
        Job(
            name="operations.escalate",
            every=timedelta(seconds=limits.escalate_interval_seconds),
            run=escalate,
            description="Escalate referrals not acknowledged in time to the receivers' admins.",
        ),
        Job(
            name="operations.purge",
            every=timedelta(seconds=limits.purge_interval_seconds),
            run=purge,
            description="Destroy what referrals and closed operations hold after retention.",
        ),
    ]
