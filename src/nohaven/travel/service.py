"""Rules of the travel domain: sending a notification and reading it (audited, with read
receipts). Routing to points of contact is in `routing`, the receivers' answers in
`receiving`, the sender's corrections in `corrections`, complaints in `complaints`.

Personal data never reaches the audit chain, the inbox or the logs: audit summaries hold
countries, tiers, versions and counts only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.keys.sealing import open_value, row_session, seal_value
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.ids import is_id, new_id
from nohaven.notifications import service as notifications
from nohaven.travel import repository as repo
from nohaven.travel.itinerary import LegDetails, first_departure, seal_leg
from nohaven.travel.models import (
    CHANNEL_OF_TIER,
    ItineraryLeg,
    NotificationStatus,
    ReadReceipt,
    Recipient,
    RiskTier,
    TravelNotification,
)
from nohaven.travel.routing import parse_country, route
from nohaven.travel.schemas import NotificationCreate

NOTIFICATIONS = "travel_notifications"
SUBJECT_FIELDS = ("name", "date_of_birth", "nationality", "passport_number")


def link(notification_id: str) -> str:
    return f"/travel/{notification_id}"


# --- sending --------------------------------------------------------------------------------


def create_notification(
    session: Session,
    *,
    actor: Actor,
    data: NotificationCreate,
    late_hours: int,
    notification_id: str | None = None,
) -> tuple[TravelNotification, list[str]]:
    """Send a notification to the point of contact of each destination. Returns it and the
    warnings the sender must see: it is late when sent less than ``late_hours`` before the
    first departure. ``notification_id`` fixes the id (demo data)."""
    require(actor, Action.CREATE, TravelNotification)
    now = utcnow()
    destinations = list(dict.fromkeys(leg.destination_country for leg in data.legs))
    routed, missing = route(session, destinations)
    if missing:
        names = ", ".join(missing)
        message = (
            f"No receiving agency is designated for {names}: nothing was sent. Remove that "
            "destination or ask the secretariat to designate a point of contact."
        )
        raise InvalidInput(
            message,
            errors=[
                {"field": f"legs.{i}.destination_country", "message": "no point of contact"}
                for i, leg in enumerate(data.legs)
                if leg.destination_country in missing
            ],
        )
    own = [code for code, org in routed.items() if org == actor.organisation_id]
    if own:
        message = f"Your own agency receives notifications for {', '.join(own)}."
        raise InvalidInput(message, errors=[{"field": "legs", "message": message}])
    departs = data.legs[0].departs_at
    if departs < now:
        message = "The first departure is in the past."
        raise InvalidInput(message, errors=[{"field": "legs.0.departs_at", "message": message}])
    late = departs - now < timedelta(hours=late_hours)
    tier = RiskTier(data.risk_tier)
    nid = notification_id or new_id()
    subject = data.subject
    notification = TravelNotification(
        id=nid,
        sender_organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        tlp=data.tlp,
        recipient_organisation_ids=sorted(set(routed.values())),
        status=NotificationStatus.SENT,
        version=1,
        risk_tier=tier,
        channel=CHANNEL_OF_TIER[tier],
        subject_name=seal_value(session, NOTIFICATIONS, "subject_name", nid, subject.name),
        subject_date_of_birth=seal_value(
            session, NOTIFICATIONS, "subject_date_of_birth", nid, subject.date_of_birth.isoformat()
        ),
        subject_nationality=seal_value(
            session, NOTIFICATIONS, "subject_nationality", nid, subject.nationality
        ),
        subject_passport_number=seal_value(
            session, NOTIFICATIONS, "subject_passport_number", nid, subject.passport_number
        ),
        conviction_summary=seal_value(
            session, NOTIFICATIONS, "conviction_summary", nid, data.conviction_summary.strip()
        ),
        departs_on=as_utc(departs).date(),
        travel_ends_on=travel_end(
            [(leg.departs_at, leg.leaves_on) for leg in data.legs],
        ),
        is_late=late,
        sent_at=now,
    )
    session.add(notification)
    session.flush()
    for position, leg in enumerate(data.legs, start=1):
        row = ItineraryLeg(
            id=new_id(),
            notification_id=nid,
            position=position,
            destination_country=leg.destination_country,
        )
        seal_leg(
            session,
            row,
            LegDetails(
                departs_at=leg.departs_at,
                leaves_on=leg.leaves_on,
                carrier=leg.carrier,
                flight_number=leg.flight_number,
            ),
        )
        session.add(row)
    by_org: dict[str, list[str]] = {}
    for code, org_id in routed.items():
        by_org.setdefault(org_id, []).append(code)
    for org_id, codes in by_org.items():
        session.add(
            Recipient(notification_id=nid, organisation_id=org_id, countries=",".join(codes))
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.notification.create",
        resource_type="travel_notification",
        resource_id=nid,
        summary={
            "destinations": destinations,
            "risk_tier": tier.value,
            "channel": CHANNEL_OF_TIER[tier].value,
            "late": late,
            "recipients": len(by_org),
        },
    )
    for org_id, codes in by_org.items():
        notifications.notify(
            session,
            actor=actor,
            organisation_id=org_id,
            kind="travel.notification",
            title=f"Travel notification for {', '.join(codes)} awaits acknowledgement",
            body="Open it to acknowledge and record your response." + (" Late." if late else ""),
            link=link(nid),
        )
    warnings = []
    if late:
        warnings.append(
            f"Sent less than {late_hours} hours before departure: it is flagged as late to "
            "the receivers."
        )
    return notification, warnings


def travel_end(legs: list[tuple[datetime, date | None]]) -> date:
    return max(leaves_on or as_utc(departs).date() for departs, leaves_on in legs)


# --- reading --------------------------------------------------------------------------------


def _visible(session: Session, actor: Actor, notification_id: str) -> TravelNotification:
    """The notification, or 404 to anyone who may not see it (not even its existence)."""
    found = repo.notification(session, notification_id) if is_id(notification_id) else None
    if found is None or not can(actor, Action.READ, found):
        raise NotFound(N_("No such travel notification."))
    return found


def visible(session: Session, *, actor: Actor, notification_id: str) -> TravelNotification:
    """Load without recording a read: for the sender right after sending."""
    return _visible(session, actor, notification_id)


def get_notification(session: Session, *, actor: Actor, notification_id: str) -> TravelNotification:
    """Read one notification: audited, and a read receipt the sender sees."""
    found = _visible(session, actor, notification_id)
    require(actor, Action.READ, found)
    session.add(
        ReadReceipt(
            notification_id=found.id,
            organisation_id=actor.organisation_id,
            user_id=actor.user_id,
            reader_label=actor.label[:200],
            version=found.version,
            read_at=utcnow(),
        )
    )
    audit.record(
        session,
        actor=actor,
        action="travel.notification.read",
        resource_type="travel_notification",
        resource_id=found.id,
        organisation_id=found.sender_organisation_id,
        summary={"version": found.version, "status": found.status},
    )
    return found


def leg_filter(
    *, destination: str | None, departs_from: str | None, departs_until: str | None
) -> repo.LegFilter:
    """A list filter from what a person typed; a clear 422 for what is not a country or date."""
    code = parse_country(destination) if destination and destination.strip() else None
    dates: list[date | None] = []
    for field, value in (("departs_from", departs_from), ("departs_until", departs_until)):
        if not value or not value.strip():
            dates.append(None)
            continue
        try:
            dates.append(date.fromisoformat(value.strip()))
        except ValueError as exc:
            message = f"{value!r} is not a date (YYYY-MM-DD)."
            raise InvalidInput(message, errors=[{"field": field, "message": message}]) from exc
    return repo.LegFilter(destination=code, departs_from=dates[0], departs_until=dates[1])


def list_notifications(
    session: Session, *, actor: Actor, where: repo.LegFilter | None = None
) -> list[TravelNotification]:
    """What the actor's organisation sent or received, optionally only those with a leg to a
    destination and/or departing within dates (both kept in clear for this); no personal
    data is shown in a list."""
    require(actor, Action.LIST, TravelNotification)
    if actor.organisation_id is None:
        return []
    return [
        n
        for n in repo.notifications_of(session, actor.organisation_id, where=where)
        if can(actor, Action.READ, n)
    ]


def subject_of(notification: TravelNotification) -> dict[str, str] | None:
    if notification.subject_name is None:
        return None
    out = {}
    for field in SUBJECT_FIELDS:
        column = f"subject_{field}"
        value = open_value(
            row_session(notification),
            NOTIFICATIONS,
            column,
            notification.id,
            getattr(notification, column),
        )
        out[field] = value or ""
    return out


def conviction_of(notification: TravelNotification) -> str | None:
    return open_value(
        row_session(notification),
        NOTIFICATIONS,
        "conviction_summary",
        notification.id,
        notification.conviction_summary,
    )


def is_overdue(
    notification: TravelNotification, recipient: Recipient, now: datetime, *, ack_hours: int
) -> bool:
    """Not acknowledged within ``ack_hours`` of sending, or by departure, whichever comes
    first, while the notification is still live."""
    if notification.status != NotificationStatus.SENT or recipient.acknowledged_at is not None:
        return False
    due = notification.sent_at + timedelta(hours=ack_hours)
    departs = first_departure(notification)
    if departs is not None:
        due = min(due, departs)
    return now >= due


def require_live(notification: TravelNotification) -> None:
    if notification.status == NotificationStatus.WITHDRAWN:
        raise Conflict(N_("This notification was withdrawn by its sender."))
    if notification.status == NotificationStatus.PURGED:
        raise Conflict(N_("This notification's personal data was purged."))
