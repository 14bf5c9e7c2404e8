"""The travel service: routing, late flag, visibility, read receipts, workflow, corrections,
complaints, escalation and purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.kit.clock import utcnow
from nohaven.notifications.models import Notice
from nohaven.travel import complaints, corrections, jobs, present, receiving, routing, service
from nohaven.travel.itinerary import first_departure
from nohaven.travel.models import (
    ComplaintSource,
    NotificationStatus,
    ReadReceipt,
    Recipient,
    ResponseKind,
    TravelNotification,
)
from nohaven.travel.schemas import (
    ComplaintIn,
    ComplaintResolution,
    NotificationAmend,
    NotificationCreate,
    ResponseIn,
    Withdrawal,
)
from tests.travel.conftest import (
    ACK_HOURS,
    LATE_HOURS,
    PASSPORT,
    SUBJECT_NAME,
    World,
    payload,
    send,
)


def _inbox(db: Session, org_id: str, kind: str) -> list[Notice]:
    return list(
        db.execute(select(Notice).where(Notice.organisation_id == org_id, Notice.kind == kind))
        .scalars()
        .all()
    )


def test_routed_to_the_point_of_contact_of_each_destination(world: World, db: Session) -> None:
    n = send(world, db, destinations=("AU", "US"))
    assert sorted(n.recipient_organisation_ids) == sorted(
        [world.receiver_org.id, world.third_org.id]
    )
    recipients = db.execute(select(Recipient).where(Recipient.notification_id == n.id)).scalars()
    assert {r.organisation_id: r.countries for r in recipients} == {
        world.receiver_org.id: "AU",
        world.third_org.id: "US",
    }
    # Each receiver finds it in its inbox, without any personal detail in the notice.
    for org in (world.receiver_org, world.third_org):
        [notice] = _inbox(db, org.id, "travel.notification")
        assert notice.link == f"/travel/{n.id}"
        assert SUBJECT_NAME not in notice.title + notice.body
    assert n.channel == "notice"
    assert not n.is_late


@pytest.mark.parametrize(
    ("tier", "channel"),
    [("very_high", "notice"), ("high", "notice"), ("medium", "diffusion"), ("low", "none")],
)
def test_channel_follows_the_risk_tier(world: World, db: Session, tier: str, channel: str) -> None:
    assert send(world, db, tier=tier).channel == channel


def test_destination_without_point_of_contact_is_refused_before_sending(
    world: World, db: Session
) -> None:
    with pytest.raises(InvalidInput) as raised:
        send(world, db, destinations=("AU", "KE"))
    assert "KE" in raised.value.detail
    assert "nothing was sent" in raised.value.detail
    assert raised.value.errors[0]["field"] == "legs.1.destination_country"
    assert db.execute(select(TravelNotification)).first() is None


def test_own_country_and_past_departure_are_refused(world: World, db: Session) -> None:
    with pytest.raises(InvalidInput):
        send(world, db, destinations=("GB",))
    with pytest.raises(InvalidInput):
        send(world, db, departs_in=timedelta(hours=-2))


@pytest.mark.parametrize(("hours", "late"), [(47, True), (1, True), (49, False), (24 * 30, False)])
def test_late_flag(world: World, db: Session, hours: int, late: bool) -> None:
    notification, warnings = service.create_notification(
        db,
        actor=world.actor(world.sender),
        data=NotificationCreate.model_validate(payload(departs_in=timedelta(hours=hours))),
        late_hours=LATE_HOURS,
    )
    assert notification.is_late is late
    assert bool(warnings) is late


@pytest.mark.parametrize("who", ["third", "government", "secretariat"])
def test_others_see_nothing_not_even_existence(world: World, db: Session, who: str) -> None:
    n = send(world, db)
    actor = world.actor(getattr(world, who))
    with pytest.raises(NotFound):
        service.get_notification(db, actor=actor, notification_id=n.id)
    with pytest.raises(NotFound):
        receiving.acknowledge(db, actor=actor, notification_id=n.id)
    if who == "third":
        assert service.list_notifications(db, actor=actor) == []
    else:
        with pytest.raises(Forbidden):
            service.list_notifications(db, actor=actor)


def test_reads_are_audited_and_the_sender_sees_receipts(world: World, db: Session) -> None:
    n = send(world, db)
    receiver = world.actor(world.receiver)
    found = service.get_notification(db, actor=receiver, notification_id=n.id)
    shown = present.detail(db, actor=receiver, notification=found, ack_hours=ACK_HOURS)
    assert shown.subject is not None
    assert shown.subject.name == SUBJECT_NAME
    assert shown.subject.passport_number == PASSPORT
    assert shown.read_receipts is None  # receivers do not see who else read it
    sender = world.actor(world.sender)
    mine = present.detail(
        db,
        actor=sender,
        notification=service.get_notification(db, actor=sender, notification_id=n.id),
        ack_hours=ACK_HOURS,
    )
    assert mine.read_receipts is not None
    readers = {(r.organisation_id, r.user_id) for r in mine.read_receipts}
    assert (world.receiver_org.id, world.receiver.id) in readers
    reads = db.execute(
        select(AuditEntry).where(
            AuditEntry.action == "travel.notification.read", AuditEntry.resource_id == n.id
        )
    ).scalars()
    assert {e.actor_user_id for e in reads} == {world.receiver.id, world.sender.id}
    assert db.query(ReadReceipt).filter_by(notification_id=n.id).count() == 2


def test_audit_summaries_hold_no_personal_data(world: World, db: Session) -> None:
    n = send(world, db)
    receiver = world.actor(world.receiver)
    service.get_notification(db, actor=receiver, notification_id=n.id)
    receiving.acknowledge(db, actor=receiver, notification_id=n.id)
    receiving.respond(
        db,
        actor=receiver,
        notification_id=n.id,
        data=ResponseIn(response=ResponseKind.OTHER, note="Met by officers at arrival"),
    )
    corrections.amend(
        db,
        actor=world.actor(world.sender),
        notification_id=n.id,
        data=NotificationAmend(reason="Typo in name", subject={"name": "Zebulon Quillfeathers"}),
    )
    text = " ".join(
        f"{e.summary} {e.action}"
        for e in db.execute(select(AuditEntry).where(AuditEntry.resource_id == n.id)).scalars()
    )
    for secret in (SUBJECT_NAME, "Quillfeathers", PASSPORT, "1971-02-03", "Met by officers"):
        assert secret not in text


def test_acknowledge_then_respond(world: World, db: Session) -> None:
    n = send(world, db)
    receiver = world.actor(world.receiver)
    with pytest.raises(Conflict):
        receiving.respond(
            db,
            actor=receiver,
            notification_id=n.id,
            data=ResponseIn(response=ResponseKind.MONITORED),
        )
    receiving.acknowledge(db, actor=receiver, notification_id=n.id)
    with pytest.raises(Conflict):
        receiving.acknowledge(db, actor=receiver, notification_id=n.id)
    receiving.respond(
        db,
        actor=receiver,
        notification_id=n.id,
        data=ResponseIn(response=ResponseKind.ENTRY_REFUSED, note="Refused at the border"),
    )
    shown = present.detail(
        db,
        actor=world.actor(world.sender),
        notification=service.get_notification(
            db, actor=world.actor(world.sender), notification_id=n.id
        ),
        ack_hours=ACK_HOURS,
    )
    [row] = shown.recipients
    assert row.acknowledged_at is not None
    assert row.response == "entry_refused"
    assert row.response_note == "Refused at the border"
    assert _inbox(db, world.sender_org.id, "travel.acknowledged")
    assert _inbox(db, world.sender_org.id, "travel.response")
    # The sender cannot acknowledge its own notification.
    with pytest.raises(Forbidden):
        receiving.acknowledge(db, actor=world.actor(world.sender), notification_id=n.id)


def test_amendment_reaches_receivers_with_what_changed(world: World, db: Session) -> None:
    n = send(world, db)
    receiver = world.actor(world.receiver)
    receiving.acknowledge(db, actor=receiver, notification_id=n.id)
    first = first_departure(n)
    assert first is not None
    new_departure = first + timedelta(days=1)
    corrections.amend(
        db,
        actor=world.actor(world.sender),
        notification_id=n.id,
        data=NotificationAmend.model_validate(
            {
                "reason": "Passport renewed; flight changed",
                "subject": {"passport_number": "ZQ1111111"},
                "risk_tier": "medium",
                "legs": [{"departs_at": new_departure.isoformat(), "flight_number": "EX555"}],
            }
        ),
    )
    assert _inbox(db, world.receiver_org.id, "travel.amended")
    shown = present.detail(
        db,
        actor=receiver,
        notification=service.get_notification(db, actor=receiver, notification_id=n.id),
        ack_hours=ACK_HOURS,
    )
    assert shown.version == 2
    assert shown.channel == "diffusion"
    assert shown.subject is not None
    assert shown.subject.passport_number == "ZQ1111111"
    [amendment] = shown.amendments
    assert amendment.changes is not None
    assert amendment.changes["subject.passport_number"] == [PASSPORT, "ZQ1111111"]
    assert amendment.changes["risk_tier"] == ["high", "medium"]
    assert amendment.changes["legs.1.flight_number"] == ["EX100", "EX555"]
    assert "legs.1.departs_at" in amendment.changed_fields
    assert shown.legs[0].flight_number == "EX555"
    # The receiver's acknowledgement was of version 1; it may acknowledge version 2.
    assert shown.recipients[0].acknowledged_version == 1
    receiving.acknowledge(db, actor=receiver, notification_id=n.id)
    with pytest.raises(InvalidInput):
        corrections.amend(
            db,
            actor=world.actor(world.sender),
            notification_id=n.id,
            data=NotificationAmend(reason="nothing", risk_tier="medium"),
        )
    with pytest.raises(Forbidden):
        corrections.amend(
            db,
            actor=receiver,
            notification_id=n.id,
            data=NotificationAmend(reason="not mine", risk_tier="low"),
        )


def test_withdrawal_reaches_receivers_and_stops_work(world: World, db: Session) -> None:
    n = send(world, db)
    corrections.withdraw(
        db,
        actor=world.actor(world.sender),
        notification_id=n.id,
        data=Withdrawal(reason="Travel cancelled"),
    )
    assert n.status == NotificationStatus.WITHDRAWN
    assert _inbox(db, world.receiver_org.id, "travel.withdrawn")
    with pytest.raises(Conflict):
        receiving.acknowledge(db, actor=world.actor(world.receiver), notification_id=n.id)
    shown = present.detail(
        db,
        actor=world.actor(world.receiver),
        notification=service.get_notification(
            db, actor=world.actor(world.receiver), notification_id=n.id
        ),
        ack_hours=ACK_HOURS,
    )
    assert shown.status == "withdrawn"
    assert shown.withdrawal_reason == "Travel cancelled"


@pytest.mark.parametrize(("outcome", "status"), [("upheld", "withdrawn"), ("rejected", "sent")])
def test_complaint_recorded_and_resolved(
    world: World, db: Session, outcome: str, status: str
) -> None:
    n = send(world, db)
    receiver = world.actor(world.receiver)
    complaint = complaints.lodge_complaint(
        db,
        actor=receiver,
        notification_id=n.id,
        data=ComplaintIn(
            source=ComplaintSource.SUBJECT_REPRESENTATIVE, grounds="Wrong person: namesake"
        ),
    )
    assert _inbox(db, world.sender_org.id, "travel.complaint")
    resolution = ComplaintResolution(outcome=outcome, reasons="Checked against records")
    with pytest.raises(Forbidden):
        complaints.resolve_complaint(
            db, actor=receiver, notification_id=n.id, complaint_id=complaint.id, data=resolution
        )
    complaints.resolve_complaint(
        db,
        actor=world.actor(world.sender_admin),
        notification_id=n.id,
        complaint_id=complaint.id,
        data=resolution,
    )
    assert complaint.status == outcome
    assert n.status == status
    assert _inbox(db, world.receiver_org.id, "travel.complaint_resolved")
    with pytest.raises(Conflict):
        complaints.resolve_complaint(
            db,
            actor=world.actor(world.sender),
            notification_id=n.id,
            complaint_id=complaint.id,
            data=resolution,
        )


def test_overdue_acknowledgements_are_escalated_once(world: World, db: Session) -> None:
    soon = send(world, db, departs_in=timedelta(days=10))
    system = Actor.system("test")
    assert (
        jobs.escalate_overdue(
            db, actor=system, now=utcnow() + timedelta(hours=23), ack_hours=ACK_HOURS
        )
        == 0
    )
    assert (
        jobs.escalate_overdue(
            db, actor=system, now=utcnow() + timedelta(hours=25), ack_hours=ACK_HOURS
        )
        == 1
    )
    assert (
        jobs.escalate_overdue(
            db, actor=system, now=utcnow() + timedelta(hours=26), ack_hours=ACK_HOURS
        )
        == 0
    )
    [note] = _inbox(db, world.receiver_org.id, "travel.escalation")
    assert "organisation admin" in note.title
    assert _inbox(db, world.sender_org.id, "travel.escalation")
    sender = world.actor(world.sender)
    shown = present.detail(
        db,
        actor=sender,
        notification=service.get_notification(db, actor=sender, notification_id=soon.id),
        ack_hours=ACK_HOURS,
    )
    assert shown.recipients[0].escalated_at is not None


def test_departure_before_the_window_makes_it_overdue(world: World, db: Session) -> None:
    send(world, db, departs_in=timedelta(hours=5))
    system = Actor.system("test")
    assert (
        jobs.escalate_overdue(
            db, actor=system, now=utcnow() + timedelta(hours=4), ack_hours=ACK_HOURS
        )
        == 0
    )
    assert (
        jobs.escalate_overdue(
            db, actor=system, now=utcnow() + timedelta(hours=6), ack_hours=ACK_HOURS
        )
        == 1
    )


def test_acknowledged_is_not_escalated(world: World, db: Session) -> None:
    n = send(world, db)
    receiving.acknowledge(db, actor=world.actor(world.receiver), notification_id=n.id)
    later = utcnow() + timedelta(days=3)
    assert (
        jobs.escalate_overdue(db, actor=Actor.system("test"), now=later, ack_hours=ACK_HOURS) == 0
    )


def test_purge_after_retention(world: World, db: Session) -> None:
    n = send(world, db)
    receiver = world.actor(world.receiver)
    receiving.acknowledge(db, actor=receiver, notification_id=n.id)
    receiving.respond(
        db,
        actor=receiver,
        notification_id=n.id,
        data=ResponseIn(response=ResponseKind.MONITORED, note="Watched"),
    )
    complaints.lodge_complaint(
        db,
        actor=receiver,
        notification_id=n.id,
        data=ComplaintIn(source=ComplaintSource.RECEIVER, grounds="Doubt"),
    )
    corrections.amend(
        db,
        actor=world.actor(world.sender),
        notification_id=n.id,
        data=NotificationAmend(reason="Tier reviewed", risk_tier="low"),
    )
    system = Actor.system("test")
    ends = n.travel_ends_on
    just_before = utcnow() + (ends - utcnow().date()) + timedelta(days=90)
    assert jobs.purge_expired(db, actor=system, retention_days=90, now=just_before) == 0
    after = just_before + timedelta(days=1)
    assert jobs.purge_expired(db, actor=system, retention_days=90, now=after) == 1
    db.expire_all()
    purged = db.get(TravelNotification, n.id)
    assert purged is not None
    assert purged.status == NotificationStatus.PURGED
    assert purged.subject_name is None
    assert purged.conviction_summary is None
    shown = present.detail(
        db,
        actor=receiver,
        notification=service.get_notification(db, actor=receiver, notification_id=n.id),
        ack_hours=ACK_HOURS,
    )
    assert shown.subject is None
    assert shown.legs[0].flight_number is None
    assert shown.legs[0].departs_at is None  # the itinerary went with the subject
    assert shown.legs[0].departs_on is not None  # the skeleton keeps the date
    assert shown.recipients[0].response == "monitored"
    assert shown.recipients[0].response_note is None
    assert shown.complaints[0].grounds is None
    assert shown.amendments[0].changes is None
    assert shown.amendments[0].reason is None
    assert shown.amendments[0].changed_fields == ["risk_tier"]
    entry = db.execute(
        select(AuditEntry).where(AuditEntry.action == "travel.notification.purge")
    ).scalar_one()
    assert entry.resource_id == n.id
    # Purged once only.
    assert jobs.purge_expired(db, actor=system, retention_days=90, now=after) == 0
    with pytest.raises(Conflict):
        receiving.acknowledge(db, actor=receiver, notification_id=n.id)


def test_points_of_contact_managed_by_the_secretariat(world: World, db: Session) -> None:
    with pytest.raises(Forbidden):
        routing.set_point_of_contact(
            db, actor=world.actor(world.sender), country="KE", organisation_id=world.third_org.id
        )
    with pytest.raises(InvalidInput):
        routing.set_point_of_contact(
            db,
            actor=world.actor(world.secretariat),
            country="KE",
            organisation_id=world.government_org.id,
        )
    with pytest.raises(InvalidInput):
        routing.set_point_of_contact(
            db, actor=world.actor(world.secretariat), country="XX", organisation_id="nope"
        )
    routing.set_point_of_contact(
        db, actor=world.actor(world.secretariat), country="ke", organisation_id=world.third_org.id
    )
    routed, missing = routing.route(db, ["KE", "FR"])
    assert routed == {"KE": world.third_org.id}
    assert missing == ["FR"]
    routing.remove_point_of_contact(db, actor=world.actor(world.secretariat), country="KE")
    assert routing.route(db, ["KE"]) == ({}, ["KE"])


def test_sender_list_shows_overdue_receivers(world: World, db: Session) -> None:
    n = send(world, db, destinations=("AU", "US"))
    sender = world.actor(world.sender)
    [fresh] = present.summaries(
        db, actor=sender, found=service.list_notifications(db, actor=sender), ack_hours=ACK_HOURS
    )
    assert fresh.overdue_receivers == 0
    n.sent_at = utcnow() - timedelta(hours=30)
    receiving.acknowledge(db, actor=world.actor(world.third), notification_id=n.id)
    [late] = present.summaries(
        db, actor=sender, found=service.list_notifications(db, actor=sender), ack_hours=ACK_HOURS
    )
    assert late.overdue_receivers == 1
    receiver = world.actor(world.receiver)
    [theirs] = present.summaries(
        db,
        actor=receiver,
        found=service.list_notifications(db, actor=receiver),
        ack_hours=ACK_HOURS,
    )
    assert theirs.overdue_receivers is None
