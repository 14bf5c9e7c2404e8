"""What a receiving organisation does with a notification: acknowledge it and respond.

Personal data never reaches the audit chain, the inbox or the logs.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, NotFound
from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import utcnow
from nohaven.notifications import service as notifications
from nohaven.travel.models import Recipient, TravelNotification
from nohaven.travel.schemas import ResponseIn
from nohaven.travel.service import link, require_live, visible

# --- receivers ------------------------------------------------------------------------------


def _own_recipient(notification: TravelNotification, actor: Actor) -> Recipient:
    for recipient in notification.recipients:
        if recipient.organisation_id == actor.organisation_id:
            return recipient
    raise NotFound("Your organisation is not a receiver of this notification.")


def acknowledge(session: Session, *, actor: Actor, notification_id: str) -> Recipient:
    notification = visible(session, actor=actor, notification_id=notification_id)
    require(actor, Action.RESPOND, notification)
    require_live(notification)
    recipient = _own_recipient(notification, actor)
    if recipient.acknowledged_version == notification.version:
        raise Conflict("Your organisation already acknowledged this version.")
    recipient.acknowledged_at = utcnow()
    recipient.acknowledged_by_id = actor.user_id
    recipient.acknowledged_version = notification.version
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.notification.acknowledge",
        resource_type="travel_notification",
        resource_id=notification.id,
        organisation_id=notification.sender_organisation_id,
        summary={"version": notification.version, "receiver": actor.organisation_id},
    )
    notifications.notify(
        session,
        actor=actor,
        organisation_id=notification.sender_organisation_id,
        kind="travel.acknowledged",
        title=f"Travel notification acknowledged ({recipient.countries})",
        link=link(notification.id),
    )
    return recipient


def respond(session: Session, *, actor: Actor, notification_id: str, data: ResponseIn) -> Recipient:
    notification = visible(session, actor=actor, notification_id=notification_id)
    require(actor, Action.RESPOND, notification)
    require_live(notification)
    recipient = _own_recipient(notification, actor)
    if recipient.acknowledged_at is None:
        raise Conflict("Acknowledge the notification before recording a response.")
    recipient.response = data.response
    note = data.note.strip() or None
    recipient.response_note = seal_value(
        session, "travel_recipients", "response_note", recipient.id, note
    )
    recipient.responded_at = utcnow()
    recipient.responded_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.notification.respond",
        resource_type="travel_notification",
        resource_id=notification.id,
        organisation_id=notification.sender_organisation_id,
        summary={"response": data.response.value, "receiver": actor.organisation_id},
    )
    notifications.notify(
        session,
        actor=actor,
        organisation_id=notification.sender_organisation_id,
        kind="travel.response",
        title=f"Response recorded on a travel notification ({recipient.countries})",
        link=link(notification.id),
    )
    return recipient


def response_note_of(recipient: Recipient) -> str | None:
    return open_value(
        row_session(recipient),
        "travel_recipients",
        "response_note",
        recipient.id,
        recipient.response_note,
    )
