"""Turning a notification the actor may read into what the API and the pages show: personal
data opened, read receipts only for the sending organisation."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.kit.clock import utcnow
from nohaven.travel import complaints, corrections, receiving, service
from nohaven.travel import repository as repo
from nohaven.travel.itinerary import open_leg
from nohaven.travel.models import ItineraryLeg, TravelNotification
from nohaven.travel.schemas import (
    AmendmentRead,
    ComplaintRead,
    LegRead,
    NotificationRead,
    NotificationSummary,
    ReadReceiptRead,
    RecipientRead,
    SubjectRead,
)


def summaries(
    session: Session, *, actor: Actor, found: list[TravelNotification], ack_hours: int
) -> list[NotificationSummary]:
    """``ack_hours``: how long a receiver has to acknowledge before it counts as overdue."""
    orgs = repo.organisations(session, {n.sender_organisation_id for n in found})
    return [_summary(actor, n, orgs[n.sender_organisation_id].name, ack_hours) for n in found]


def _summary(
    actor: Actor, n: TravelNotification, sender_name: str, ack_hours: int
) -> NotificationSummary:
    is_sender = n.sender_organisation_id == actor.organisation_id
    now = utcnow()
    return NotificationSummary(
        id=n.id,
        sender_organisation_id=n.sender_organisation_id,
        sender_organisation_name=sender_name,
        direction="sent" if n.sender_organisation_id == actor.organisation_id else "received",
        status=n.status,
        version=n.version,
        tlp=n.tlp,
        risk_tier=n.risk_tier,
        channel=n.channel,
        destinations=list(dict.fromkeys(leg.destination_country for leg in n.legs)),
        departs_on=n.departs_on,
        travel_ends_on=n.travel_ends_on,
        is_late=n.is_late,
        sent_at=n.sent_at,
        overdue_receivers=sum(
            service.is_overdue(n, r, now, ack_hours=ack_hours) for r in n.recipients
        )
        if is_sender
        else None,
    )


def detail(
    session: Session,
    *,
    actor: Actor,
    notification: TravelNotification,
    ack_hours: int,
    warnings: list[str] | None = None,
) -> NotificationRead:
    """Everything the actor may see. Call only after `service.get_notification` (which checks
    and audits the read) or on a notification the actor just sent."""
    n = notification
    is_sender = n.sender_organisation_id == actor.organisation_id
    receipts = repo.read_receipts(session, n.id) if is_sender else []
    org_ids = {n.sender_organisation_id} | {r.organisation_id for r in n.recipients}
    org_ids |= {r.organisation_id for r in receipts if r.organisation_id}
    lodged = repo.complaints(session, n.id)
    org_ids |= {c.organisation_id for c in lodged}
    orgs = repo.organisations(session, org_ids)
    now = utcnow()
    subject = service.subject_of(n)
    base = _summary(actor, n, orgs[n.sender_organisation_id].name, ack_hours)
    recipients = [
        RecipientRead(
            organisation_id=r.organisation_id,
            organisation_name=orgs[r.organisation_id].name,
            countries=r.countries.split(","),
            acknowledged_at=r.acknowledged_at,
            acknowledged_version=r.acknowledged_version,
            response=r.response,
            response_note=receiving.response_note_of(r),
            responded_at=r.responded_at,
            escalated_at=r.escalated_at,
            overdue=service.is_overdue(n, r, now, ack_hours=ack_hours),
        )
        for r in n.recipients
        # A receiver sees its own row; the sender sees them all.
        if is_sender or r.organisation_id == actor.organisation_id
    ]
    return NotificationRead(
        **base.model_dump(),
        subject=SubjectRead(
            name=subject["name"],
            date_of_birth=date.fromisoformat(subject["date_of_birth"]),
            nationality=subject["nationality"],
            passport_number=subject["passport_number"],
        )
        if subject
        else None,
        conviction_summary=service.conviction_of(n),
        withdrawn_at=n.withdrawn_at,
        withdrawal_reason=corrections.withdrawal_reason_of(n),
        purged_at=n.purged_at,
        legs=[_leg(leg) for leg in n.legs],
        recipients=recipients,
        amendments=[
            AmendmentRead(
                version=a.version,
                amended_at=a.amended_at,
                changed_fields=list(a.changed_fields),
                changes=corrections.amendment_changes(a),
                reason=corrections.amendment_reason(a),
            )
            for a in repo.amendments(session, n.id)
        ],
        complaints=[
            ComplaintRead(
                id=c.id,
                organisation_id=c.organisation_id,
                source=c.source,
                grounds=complaints.complaint_text(c, "grounds"),
                status=c.status,
                resolution=complaints.complaint_text(c, "resolution"),
                lodged_at=c.lodged_at,
                resolved_at=c.resolved_at,
            )
            for c in lodged
            if is_sender or c.organisation_id == actor.organisation_id
        ],
        read_receipts=[
            ReadReceiptRead(
                organisation_id=r.organisation_id,
                organisation_name=orgs[r.organisation_id].name if r.organisation_id else None,
                user_id=r.user_id,
                reader=r.reader_label,
                version=r.version,
                read_at=r.read_at,
            )
            for r in receipts
        ]
        if is_sender
        else None,
        warnings=warnings or [],
    )


def _leg(leg: ItineraryLeg) -> LegRead:
    details = open_leg(leg)
    return LegRead(
        position=leg.position,
        destination_country=leg.destination_country,
        departs_on=leg.departs_on,
        departs_at=details.departs_at if details else None,
        leaves_on=details.leaves_on if details else None,
        carrier=details.carrier if details else None,
        flight_number=details.flight_number if details else None,
    )
