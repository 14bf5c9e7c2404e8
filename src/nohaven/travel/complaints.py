"""Complaints that a notification is erroneous: lodged by a receiver (for itself or the
subject's representative), resolved by the sender, who may withdraw the notification.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, NotFound
from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import is_id, new_id
from nohaven.notifications import service as notifications
from nohaven.travel.corrections import record_withdrawal
from nohaven.travel.models import Complaint, ComplaintStatus, NotificationStatus
from nohaven.travel.schemas import ComplaintIn, ComplaintResolution
from nohaven.travel.service import link, visible

# --- complaints -----------------------------------------------------------------------------


def lodge_complaint(
    session: Session, *, actor: Actor, notification_id: str, data: ComplaintIn
) -> Complaint:
    """An erroneous-notification complaint, by the receiver or passed on by it for the
    subject's representative."""
    notification = visible(session, actor=actor, notification_id=notification_id)
    require(actor, Action.RESPOND, notification)
    if notification.status == NotificationStatus.PURGED:
        raise Conflict("This notification's personal data was purged.")
    complaint = Complaint(
        id=new_id(),
        notification_id=notification.id,
        organisation_id=actor.organisation_id,
        lodged_by_id=actor.user_id,
        source=data.source,
        status=ComplaintStatus.OPEN,
        lodged_at=utcnow(),
    )
    complaint.grounds = seal_value(
        session, "travel_complaints", "grounds", complaint.id, data.grounds
    )
    session.add(complaint)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.complaint.lodge",
        resource_type="travel_notification",
        resource_id=notification.id,
        organisation_id=notification.sender_organisation_id,
        summary={"complaint_id": complaint.id, "source": data.source.value},
    )
    notifications.notify(
        session,
        actor=actor,
        organisation_id=notification.sender_organisation_id,
        kind="travel.complaint",
        title="Complaint about a travel notification",
        body="An erroneous-notification complaint awaits your resolution.",
        link=link(notification.id),
    )
    return complaint


def resolve_complaint(
    session: Session,
    *,
    actor: Actor,
    notification_id: str,
    complaint_id: str,
    data: ComplaintResolution,
) -> Complaint:
    """Resolved by the sender with reasons; an upheld complaint withdraws the notification."""
    notification = visible(session, actor=actor, notification_id=notification_id)
    require(actor, Action.MANAGE, notification)
    complaint = session.get(Complaint, complaint_id) if is_id(complaint_id) else None
    if complaint is None or complaint.notification_id != notification.id:
        raise NotFound("No such complaint.")
    if complaint.status != ComplaintStatus.OPEN:
        raise Conflict("This complaint is already resolved.")
    complaint.status = ComplaintStatus(data.outcome)
    complaint.resolution = seal_value(
        session, "travel_complaints", "resolution", complaint.id, data.reasons.strip()
    )
    complaint.resolved_at = utcnow()
    complaint.resolved_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.complaint.resolve",
        resource_type="travel_notification",
        resource_id=notification.id,
        organisation_id=notification.sender_organisation_id,
        summary={"complaint_id": complaint.id, "outcome": data.outcome},
    )
    notifications.notify(
        session,
        actor=actor,
        organisation_id=complaint.organisation_id,
        kind="travel.complaint_resolved",
        title=f"Complaint about a travel notification {data.outcome}",
        link=link(notification.id),
    )
    if complaint.status == ComplaintStatus.UPHELD and notification.is_open:
        record_withdrawal(
            session,
            actor=actor,
            notification=notification,
            reason="Withdrawn: an erroneous-notification complaint was upheld.",
        )
    return complaint


def complaint_text(complaint: Complaint, field: str) -> str | None:
    return open_value(
        row_session(complaint), "travel_complaints", field, complaint.id, getattr(complaint, field)
    )
