"""Rules of the travel domain: routing to points of contact, sending, reading (audited, with
read receipts), acknowledging, responding, amending, withdrawing and complaints.

Personal data never reaches the audit chain, the inbox or the logs: audit summaries hold
countries, tiers, versions and counts only.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.kit.clock import as_utc, utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Organisation, OrganisationKind
from nohaven.members.schemas import normalise_country
from nohaven.notifications import service as notifications
from nohaven.travel import repository as repo
from nohaven.travel.itinerary import LegDetails, first_departure, open_leg, seal_leg
from nohaven.travel.models import (
    CHANNEL_OF_TIER,
    Amendment,
    Complaint,
    ComplaintStatus,
    ItineraryLeg,
    NotificationStatus,
    PointOfContact,
    ReadReceipt,
    Recipient,
    RiskTier,
    TravelNotification,
)
from nohaven.travel.schemas import (
    ComplaintIn,
    ComplaintResolution,
    LegAmend,
    NotificationAmend,
    NotificationCreate,
    ResponseIn,
    Withdrawal,
)
from nohaven.travel.sealing import open_value, seal_value
from nohaven.travel.settings import get_travel_settings

NOTIFICATIONS = "travel_notifications"
SUBJECT_FIELDS = ("name", "date_of_birth", "nationality", "passport_number")


def _link(notification_id: str) -> str:
    return f"/travel/{notification_id}"


# --- points of contact ----------------------------------------------------------------------


def list_points_of_contact(
    session: Session, *, actor: Actor
) -> list[tuple[PointOfContact, Organisation]]:
    require(actor, Action.LIST, PointOfContact)
    return list(repo.points_of_contact(session))


def _country(value: str) -> str:
    try:
        found = normalise_country(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), errors=[{"field": "country", "message": str(exc)}]) from exc
    if found is None:
        raise InvalidInput("A country is required.", errors=[{"field": "country"}])
    return found


def set_point_of_contact(
    session: Session, *, actor: Actor, country: str, organisation_id: str
) -> PointOfContact:
    code = _country(country)
    existing = repo.point_of_contact(session, code)
    require(actor, Action.UPDATE if existing else Action.CREATE, existing or PointOfContact)
    org = session.get(Organisation, organisation_id) if _is_id(organisation_id) else None
    if org is None:
        raise InvalidInput(
            "No such organisation.", errors=[{"field": "organisation_id", "message": "unknown"}]
        )
    if org.kind != OrganisationKind.LAW_ENFORCEMENT:
        message = "A point of contact must be a law-enforcement member organisation."
        raise InvalidInput(message, errors=[{"field": "organisation_id", "message": message}])
    contact = existing or PointOfContact(country=code, organisation_id=org.id)
    contact.organisation_id = org.id
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="travel.point_of_contact.set",
        resource_type="travel_point_of_contact",
        resource_id=contact.id,
        organisation_id=org.id,
        summary={"country": code, "organisation_id": org.id},
    )
    return contact


def remove_point_of_contact(session: Session, *, actor: Actor, country: str) -> None:
    code = _country(country)
    existing = repo.point_of_contact(session, code)
    if existing is None:
        raise NotFound(f"No point of contact for {code}.")
    require(actor, Action.DELETE, existing)
    audit.record(
        session,
        actor=actor,
        action="travel.point_of_contact.remove",
        resource_type="travel_point_of_contact",
        resource_id=existing.id,
        organisation_id=existing.organisation_id,
        summary={"country": code},
    )
    session.delete(existing)
    session.flush()


def route(session: Session, countries: list[str]) -> tuple[dict[str, str], list[str]]:
    """Each destination's receiving organisation, and the destinations that have none."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for code in countries:
        contact = repo.point_of_contact(session, code)
        if contact is None:
            missing.append(code)
        else:
            found[code] = contact.organisation_id
    return found, missing


# --- sending --------------------------------------------------------------------------------


def create_notification(
    session: Session,
    *,
    actor: Actor,
    data: NotificationCreate,
    notification_id: str | None = None,
) -> tuple[TravelNotification, list[str]]:
    """Send a notification to the point of contact of each destination. Returns it and the
    warnings the sender must see (late). ``notification_id`` fixes the id (demo data)."""
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
    late_hours = get_travel_settings().travel_late_hours
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
        subject_name=seal_value(NOTIFICATIONS, "subject_name", nid, subject.name),
        subject_date_of_birth=seal_value(
            NOTIFICATIONS, "subject_date_of_birth", nid, subject.date_of_birth.isoformat()
        ),
        subject_nationality=seal_value(
            NOTIFICATIONS, "subject_nationality", nid, subject.nationality
        ),
        subject_passport_number=seal_value(
            NOTIFICATIONS, "subject_passport_number", nid, subject.passport_number
        ),
        conviction_summary=seal_value(
            NOTIFICATIONS, "conviction_summary", nid, data.conviction_summary.strip()
        ),
        departs_on=as_utc(departs).date(),
        travel_ends_on=_travel_end(
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
            link=_link(nid),
        )
    warnings = []
    if late:
        warnings.append(
            f"Sent less than {late_hours} hours before departure: it is flagged as late to "
            "the receivers."
        )
    return notification, warnings


def _travel_end(legs: list[tuple[datetime, date | None]]) -> date:
    return max(leaves_on or as_utc(departs).date() for departs, leaves_on in legs)


# --- reading --------------------------------------------------------------------------------


def _is_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def _visible(session: Session, actor: Actor, notification_id: str) -> TravelNotification:
    """The notification, or 404 to anyone who may not see it (not even its existence)."""
    found = repo.notification(session, notification_id) if _is_id(notification_id) else None
    if found is None or not can(actor, Action.READ, found):
        raise NotFound("No such travel notification.")
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
    code = _country(destination) if destination and destination.strip() else None
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
        value = open_value(NOTIFICATIONS, column, notification.id, getattr(notification, column))
        out[field] = value or ""
    return out


def conviction_of(notification: TravelNotification) -> str | None:
    return open_value(
        NOTIFICATIONS, "conviction_summary", notification.id, notification.conviction_summary
    )


def is_overdue(notification: TravelNotification, recipient: Recipient, now: datetime) -> bool:
    """Not acknowledged within the acknowledgement window after sending, or by departure,
    whichever comes first, while the notification is still live."""
    if notification.status != NotificationStatus.SENT or recipient.acknowledged_at is not None:
        return False
    hours = get_travel_settings().travel_ack_hours
    due = notification.sent_at + timedelta(hours=hours)
    departs = first_departure(notification)
    if departs is not None:
        due = min(due, departs)
    return now >= due


# --- receivers ------------------------------------------------------------------------------


def _own_recipient(notification: TravelNotification, actor: Actor) -> Recipient:
    for recipient in notification.recipients:
        if recipient.organisation_id == actor.organisation_id:
            return recipient
    raise NotFound("Your organisation is not a receiver of this notification.")


def _require_live(notification: TravelNotification) -> None:
    if notification.status == NotificationStatus.WITHDRAWN:
        raise Conflict("This notification was withdrawn by its sender.")
    if notification.status == NotificationStatus.PURGED:
        raise Conflict("This notification's personal data was purged.")


def acknowledge(session: Session, *, actor: Actor, notification_id: str) -> Recipient:
    notification = _visible(session, actor, notification_id)
    require(actor, Action.RESPOND, notification)
    _require_live(notification)
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
        link=_link(notification.id),
    )
    return recipient


def respond(session: Session, *, actor: Actor, notification_id: str, data: ResponseIn) -> Recipient:
    notification = _visible(session, actor, notification_id)
    require(actor, Action.RESPOND, notification)
    _require_live(notification)
    recipient = _own_recipient(notification, actor)
    if recipient.acknowledged_at is None:
        raise Conflict("Acknowledge the notification before recording a response.")
    recipient.response = data.response
    note = data.note.strip() or None
    recipient.response_note = seal_value("travel_recipients", "response_note", recipient.id, note)
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
        link=_link(notification.id),
    )
    return recipient


def response_note_of(recipient: Recipient) -> str | None:
    return open_value("travel_recipients", "response_note", recipient.id, recipient.response_note)


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
            link=_link(notification.id),
        )


def amend(
    session: Session, *, actor: Actor, notification_id: str, data: NotificationAmend
) -> Amendment:
    """A new version; the receivers are told and see what changed (old and new values)."""
    notification = _visible(session, actor, notification_id)
    require(actor, Action.UPDATE, notification)
    _require_live(notification)
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
                    seal_value(NOTIFICATIONS, column, notification.id, new_text),
                )
    if data.conviction_summary is not None:
        old_summary = conviction_of(notification)
        new_summary = data.conviction_summary.strip()
        if new_summary != old_summary:
            changes["conviction_summary"] = [old_summary, new_summary]
            notification.conviction_summary = seal_value(
                NOTIFICATIONS, "conviction_summary", notification.id, new_summary
            )
    if data.risk_tier is not None and data.risk_tier != notification.risk_tier:
        tier = RiskTier(data.risk_tier)
        changes["risk_tier"] = [notification.risk_tier, tier.value]
        notification.risk_tier = tier
        notification.channel = CHANNEL_OF_TIER[tier]
    if data.legs is not None:
        _amend_legs(notification, data.legs, changes)
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
        "travel_amendments", "changes", amendment.id, json.dumps(changes)
    )
    amendment.reason = seal_value("travel_amendments", "reason", amendment.id, data.reason.strip())
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
        if current is None:  # purged legs cannot be amended; _require_live stops that earlier
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
            seal_leg(leg, details)
        opened.append(details)
    notification.departs_on = as_utc(min(d.departs_at for d in opened)).date()
    notification.travel_ends_on = _travel_end([(d.departs_at, d.leaves_on) for d in opened])


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def amendment_changes(amendment: Amendment) -> dict[str, list[str | None]] | None:
    raw = open_value("travel_amendments", "changes", amendment.id, amendment.changes)
    if raw is None:
        return None
    loaded: dict[str, list[str | None]] = json.loads(raw)
    return loaded


def amendment_reason(amendment: Amendment) -> str | None:
    return open_value("travel_amendments", "reason", amendment.id, amendment.reason)


def withdraw(
    session: Session, *, actor: Actor, notification_id: str, data: Withdrawal
) -> TravelNotification:
    notification = _visible(session, actor, notification_id)
    require(actor, Action.DELETE, notification)
    _require_live(notification)
    _withdraw(session, actor=actor, notification=notification, reason=data.reason.strip())
    return notification


def _withdraw(
    session: Session, *, actor: Actor, notification: TravelNotification, reason: str
) -> None:
    notification.status = NotificationStatus.WITHDRAWN
    notification.withdrawn_at = utcnow()
    notification.withdrawal_reason = seal_value(
        NOTIFICATIONS, "withdrawal_reason", notification.id, reason
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
        NOTIFICATIONS, "withdrawal_reason", notification.id, notification.withdrawal_reason
    )


# --- complaints -----------------------------------------------------------------------------


def lodge_complaint(
    session: Session, *, actor: Actor, notification_id: str, data: ComplaintIn
) -> Complaint:
    """An erroneous-notification complaint, by the receiver or passed on by it for the
    subject's representative."""
    notification = _visible(session, actor, notification_id)
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
    complaint.grounds = seal_value("travel_complaints", "grounds", complaint.id, data.grounds)
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
        link=_link(notification.id),
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
    notification = _visible(session, actor, notification_id)
    require(actor, Action.MANAGE, notification)
    complaint = session.get(Complaint, complaint_id) if _is_id(complaint_id) else None
    if complaint is None or complaint.notification_id != notification.id:
        raise NotFound("No such complaint.")
    if complaint.status != ComplaintStatus.OPEN:
        raise Conflict("This complaint is already resolved.")
    complaint.status = ComplaintStatus(data.outcome)
    complaint.resolution = seal_value(
        "travel_complaints", "resolution", complaint.id, data.reasons.strip()
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
        link=_link(notification.id),
    )
    if complaint.status == ComplaintStatus.UPHELD and notification.is_open:
        _withdraw(
            session,
            actor=actor,
            notification=notification,
            reason="Withdrawn: an erroneous-notification complaint was upheld.",
        )
    return complaint


def complaint_text(complaint: Complaint, field: str) -> str | None:
    return open_value("travel_complaints", field, complaint.id, getattr(complaint, field))
