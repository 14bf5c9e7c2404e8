"""The sender's corrections: amending a notification and withdrawing it; the receivers are
told of each.

Personal data never reaches the audit chain, the inbox or the logs: audit summaries hold
versions and field names only.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, InvalidInput
from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.ids import new_id
from nohaven.notifications import service as notifications
from nohaven.travel.itinerary import LegDetails, open_leg, seal_leg
from nohaven.travel.models import (
    CHANNEL_OF_TIER,
    Amendment,
    NotificationStatus,
    RiskTier,
    TravelNotification,
)
from nohaven.travel.schemas import LegAmend, NotificationAmend, Withdrawal
from nohaven.travel.service import (
    NOTIFICATIONS,
    SUBJECT_FIELDS,
    conviction_of,
    link,
    require_live,
    subject_of,
    travel_end,
    visible,
)

# --- sender's corrections -------------------------------------------------------------------


def _tell_receivers(
    session: Session, *, actor: Actor, notification: TravelNotification, kind: str, title: str
) -> None:
    for recipient in notification.recipients:
        notifications.notify(
            session,
            actor=actor,
            organisation_id=recipient.organisation_id,
            kind=kind,
            title=title,
            link=link(notification.id),
        )


def amend(
    session: Session, *, actor: Actor, notification_id: str, data: NotificationAmend
) -> Amendment:
    """A new version; the receivers are told and see what changed (old and new values)."""
    notification = visible(session, actor=actor, notification_id=notification_id)
    require(actor, Action.UPDATE, notification)
    require_live(notification)
    changes: dict[str, list[str | None]] = {}
    if data.subject is not None:
        current = subject_of(notification) or {}
        for field in SUBJECT_FIELDS:
            new = getattr(data.subject, field)
            if new is None:
                continue
            new_text = new.isoformat() if isinstance(new, date) else str(new)
            if new_text != current.get(field):
                column = f"subject_{field}"
                changes[f"subject.{field}"] = [current.get(field), new_text]
                setattr(
                    notification,
                    column,
                    seal_value(session, NOTIFICATIONS, column, notification.id, new_text),
                )
    if data.conviction_summary is not None:
        old_summary = conviction_of(notification)
        new_summary = data.conviction_summary.strip()
        if new_summary != old_summary:
            changes["conviction_summary"] = [old_summary, new_summary]
            notification.conviction_summary = seal_value(
                session, NOTIFICATIONS, "conviction_summary", notification.id, new_summary
            )
    if data.risk_tier is not None and data.risk_tier != notification.risk_tier:
        tier = RiskTier(data.risk_tier)
        changes["risk_tier"] = [notification.risk_tier, tier.value]
        notification.risk_tier = tier
        notification.channel = CHANNEL_OF_TIER[tier]
    if data.legs is not None:
        _amend_legs(session, notification, data.legs, changes)
    if not changes:
        raise InvalidInput("Nothing changed: the amendment would be identical.")
    notification.version += 1
    amendment = Amendment(
        id=new_id(),
        notification_id=notification.id,
        version=notification.version,
        changed_fields=sorted(changes),
        amended_at=utcnow(),
        amended_by_id=actor.user_id,
    )
    amendment.changes = seal_value(
        session, "travel_amendments", "changes", amendment.id, json.dumps(changes)
    )
    amendment.reason = seal_value(
        session, "travel_amendments", "reason", amendment.id, data.reason.strip()
    )
    session.add(amendment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.notification.amend",
        resource_type="travel_notification",
        resource_id=notification.id,
        summary={"version": notification.version, "changed_fields": sorted(changes)},
    )
    _tell_receivers(
        session,
        actor=actor,
        notification=notification,
        kind="travel.amended",
        title=f"Travel notification amended (version {notification.version})",
    )
    return amendment


def _amend_legs(
    session: Session,
    notification: TravelNotification,
    amended: list[LegAmend],
    changes: dict[str, list[str | None]],
) -> None:
    legs = notification.legs
    if len(amended) != len(legs):
        message = (
            f"Give all {len(legs)} legs in order; to change destinations, withdraw this "
            "notification and send a new one."
        )
        raise InvalidInput(message, errors=[{"field": "legs", "message": message}])
    opened: list[LegDetails] = []
    for leg, change in zip(legs, amended, strict=True):
        current = open_leg(leg)
        if current is None:  # purged legs cannot be amended; require_live stops that earlier
            raise Conflict("This notification's personal data was purged.")
        values = dict(vars(current))
        for field in ("departs_at", "leaves_on", "carrier", "flight_number"):
            new = getattr(change, field)
            if new is None:
                continue
            old = values[field]
            old_text = None if old is None else _text(old)
            if _text(new) != old_text:
                changes[f"legs.{leg.position}.{field}"] = [old_text, _text(new)]
                values[field] = new
        details = LegDetails(**values)
        if details.leaves_on is not None and details.leaves_on < as_utc(details.departs_at).date():
            message = f"Leg {leg.position}: the subject cannot leave before arriving."
            raise InvalidInput(message, errors=[{"field": f"legs.{leg.position - 1}"}])
        if details != current:
            seal_leg(session, leg, details)
        opened.append(details)
    notification.departs_on = as_utc(min(d.departs_at for d in opened)).date()
    notification.travel_ends_on = travel_end([(d.departs_at, d.leaves_on) for d in opened])


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def amendment_changes(amendment: Amendment) -> dict[str, list[str | None]] | None:
    raw = open_value(
        row_session(amendment), "travel_amendments", "changes", amendment.id, amendment.changes
    )
    if raw is None:
        return None
    loaded: dict[str, list[str | None]] = json.loads(raw)
    return loaded


def amendment_reason(amendment: Amendment) -> str | None:
    return open_value(
        row_session(amendment), "travel_amendments", "reason", amendment.id, amendment.reason
    )


def withdraw(
    session: Session, *, actor: Actor, notification_id: str, data: Withdrawal
) -> TravelNotification:
    notification = visible(session, actor=actor, notification_id=notification_id)
    require(actor, Action.DELETE, notification)
    require_live(notification)
    record_withdrawal(session, actor=actor, notification=notification, reason=data.reason.strip())
    return notification


def record_withdrawal(
    session: Session, *, actor: Actor, notification: TravelNotification, reason: str
) -> None:
    notification.status = NotificationStatus.WITHDRAWN
    notification.withdrawn_at = utcnow()
    notification.withdrawal_reason = seal_value(
        session, NOTIFICATIONS, "withdrawal_reason", notification.id, reason
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.notification.withdraw",
        resource_type="travel_notification",
        resource_id=notification.id,
        organisation_id=notification.sender_organisation_id,
        summary={"version": notification.version},
    )
    _tell_receivers(
        session,
        actor=actor,
        notification=notification,
        kind="travel.withdrawn",
        title="Travel notification withdrawn by its sender",
    )


def withdrawal_reason_of(notification: TravelNotification) -> str | None:
    return open_value(
        row_session(notification),
        NOTIFICATIONS,
        "withdrawal_reason",
        notification.id,
        notification.withdrawal_reason,
    )
