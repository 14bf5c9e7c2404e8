"""Scheduled work of the travel domain: escalating overdue acknowledgements and purging
personal data after retention. Run by `nohaven travel escalate|purge` and, on schedule, as
the jobs ``travel.escalate`` and ``travel.purge`` of the one job runner (nohaven.jobs).

Purge keeps a skeleton: dates, countries, status "purged", the receivers' acknowledgement
and response kinds and the read receipts remain; every sealed value (subject, conviction
summary, itinerary details, notes, reasons, amendment values, complaint texts) is set to
NULL; destination countries and departure dates remain. An audit entry records each purge.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.jobs.registry import Job, JobContext, Outcome
from nohaven.kit.clock import utcnow
from nohaven.notifications import service as notifications
from nohaven.travel import repository as repo
from nohaven.travel import service
from nohaven.travel.models import (
    Amendment,
    Complaint,
    NotificationStatus,
    Recipient,
    TravelNotification,
)


def escalate_overdue(
    session: Session, *, actor: Actor, ack_hours: int, now: datetime | None = None
) -> int:
    """Escalate each receiver that is overdue (see `service.is_overdue`) once: to its own
    organisation's admins through its inbox, and shown to the sender (inbox and page)."""
    moment = now or utcnow()
    count = 0
    for notification in repo.open_notifications(session):
        for recipient in notification.recipients:
            if recipient.escalated_at is not None:
                continue
            if not service.is_overdue(notification, recipient, moment, ack_hours=ack_hours):
                continue
            recipient.escalated_at = moment
            count += 1
            audit.record(
                session,
                actor=actor,
                action="travel.acknowledgement.escalate",
                resource_type="travel_notification",
                resource_id=notification.id,
                organisation_id=recipient.organisation_id,
                summary={"receiver": recipient.organisation_id, "countries": recipient.countries},
            )
            notifications.notify(
                session,
                actor=actor,
                organisation_id=recipient.organisation_id,
                kind="travel.escalation",
                title="For the organisation admin: a travel notification is overdue",
                body=(
                    "A travel notification addressed to your organisation has not been "
                    "acknowledged in time. Please see that it is acknowledged."
                ),
                link=f"/travel/{notification.id}",
            )
            notifications.notify(
                session,
                actor=actor,
                organisation_id=notification.sender_organisation_id,
                kind="travel.escalation",
                title=f"Acknowledgement overdue for {recipient.countries}: escalated",
                link=f"/travel/{notification.id}",
            )
    session.flush()
    return count


def purge_expired(
    session: Session, *, actor: Actor, retention_days: int, now: datetime | None = None
) -> int:
    """Destroy the personal data of notifications whose travel ended more than
    ``retention_days`` ago."""
    today = (now or utcnow()).date()
    cutoff = today - timedelta(days=retention_days)
    count = 0
    for notification in repo.expired_notifications(session, ended_before=cutoff):
        purge_one(session, actor=actor, notification=notification, retention_days=retention_days)
        count += 1
    return count


def purge_one(
    session: Session, *, actor: Actor, notification: TravelNotification, retention_days: int
) -> None:
    for field in (
        "subject_name",
        "subject_date_of_birth",
        "subject_nationality",
        "subject_passport_number",
        "conviction_summary",
        "withdrawal_reason",
    ):
        setattr(notification, field, None)
    for leg in notification.legs:
        leg.itinerary = None
    session.query(Recipient).filter(Recipient.notification_id == notification.id).update(
        {Recipient.response_note: None}, synchronize_session="fetch"
    )
    session.query(Amendment).filter(Amendment.notification_id == notification.id).update(
        {Amendment.changes: None, Amendment.reason: None}, synchronize_session="fetch"
    )
    session.query(Complaint).filter(Complaint.notification_id == notification.id).update(
        {Complaint.grounds: None, Complaint.resolution: None}, synchronize_session="fetch"
    )
    notification.status = NotificationStatus.PURGED
    notification.purged_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.notification.purge",
        resource_type="travel_notification",
        resource_id=notification.id,
        organisation_id=notification.sender_organisation_id,
        summary={
            "retention_days": retention_days,
            "travel_ended": notification.travel_ends_on.isoformat(),
        },
    )


def escalate(session: Session, context: JobContext) -> Outcome:
    escalated = escalate_overdue(
        session,
        actor=context.actor,
        ack_hours=context.settings.travel_ack_hours,
        now=context.now,
    )
    return Outcome({"escalated": escalated})


def purge(session: Session, context: JobContext) -> Outcome:
    days = context.settings.travel_retention_days
    return Outcome({"purged": purge_expired(session, actor=context.actor, retention_days=days)})


def scheduled(settings: Settings) -> list[Job]:
    return [
        Job(
            name="travel.escalate",
            every=timedelta(seconds=settings.travel_escalate_interval_seconds),
            run=escalate,
            description="Escalate overdue acknowledgements to the receivers' admins.",
        ),
        Job(
            name="travel.purge",
            every=timedelta(seconds=settings.travel_job_interval_seconds),
            run=purge,
            description="Destroy personal data of notifications past retention.",
        ),
    ]
