"""Demo data: points of contact for the demo agencies and two fictional notifications;
loading twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import sealing
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.demo import load_demo
from nohaven.errors import NotFound
from nohaven.kit.clock import utcnow
from nohaven.members.models import Organisation
from nohaven.travel import corrections, jobs, present, receiving, service
from nohaven.travel.demo import DEMO_NOTIFICATIONS
from nohaven.travel.models import PointOfContact, ResponseKind, TravelNotification
from nohaven.travel.schemas import NotificationAmend, NotificationCreate, ResponseIn
from tests.factories import Factory
from tests.travel.conftest import ACK_HOURS, LATE_HOURS, payload


def _counts(db: Session) -> tuple[int, int]:
    contacts = db.scalar(select(func.count()).select_from(PointOfContact)) or 0
    notes = db.scalar(select(func.count()).select_from(TravelNotification)) or 0
    return contacts, notes


def test_demo_loads_once(db: Session, settings: Settings) -> None:
    load_demo(db, settings=settings)
    first = _counts(db)
    load_demo(db, settings=settings)
    assert _counts(db) == first
    assert first[1] == len(DEMO_NOTIFICATIONS)
    routed = {
        contact.country: org.short_name
        for contact, org in db.execute(
            select(PointOfContact, Organisation).join(
                Organisation, Organisation.id == PointOfContact.organisation_id
            )
        ).all()
    }
    for country, short in {
        "GB": "NCA",
        "AU": "AFP",
        "US": "US HSI",
        "CA": "RCMP",
        "PH": "PNP",
    }.items():
        assert routed[country] == short


def test_demo_notification_is_seen_by_afp_only(
    db: Session, settings: Settings, factory: Factory
) -> None:
    load_demo(db, settings=settings)
    nid = DEMO_NOTIFICATIONS[0][0]
    afp = db.execute(select(Organisation).where(Organisation.short_name == "AFP")).scalar_one()
    hsi = db.execute(select(Organisation).where(Organisation.short_name == "US HSI")).scalar_one()
    reader = factory.actor(factory.user(afp))
    shown = present.detail(
        db,
        actor=reader,
        notification=service.get_notification(db, actor=reader, notification_id=nid),
        ack_hours=ACK_HOURS,
    )
    assert shown.subject is not None
    assert shown.subject.name.startswith("Fictional")
    assert shown.recipients[0].response == "monitored"
    outsider = factory.actor(factory.user(hsi))
    assert nid not in {n.id for n in service.list_notifications(db, actor=outsider)}


def test_done_when_between_demo_agencies(db: Session, settings: Settings, factory: Factory) -> None:
    """Sent, acknowledged, answered, amended and finally purged, between NCA and AFP; each
    step seen only by the two and recorded in a chain that verifies."""
    load_demo(db, settings=settings)

    def org(short: str) -> Organisation:
        return db.execute(select(Organisation).where(Organisation.short_name == short)).scalar_one()

    nca = factory.actor(factory.user(org("NCA")))
    afp = factory.actor(factory.user(org("AFP")))
    hsi = factory.actor(factory.user(org("US HSI")))
    n, _ = service.create_notification(
        db, actor=nca, data=NotificationCreate.model_validate(payload()), late_hours=LATE_HOURS
    )
    assert n.recipient_organisation_ids == [org("AFP").id]
    service.get_notification(db, actor=afp, notification_id=n.id)
    receiving.acknowledge(db, actor=afp, notification_id=n.id)
    receiving.respond(
        db,
        actor=afp,
        notification_id=n.id,
        data=ResponseIn(response=ResponseKind.NO_ACTION, note="Noted"),
    )
    corrections.amend(
        db,
        actor=nca,
        notification_id=n.id,
        data=NotificationAmend(reason="Tier reviewed", risk_tier="medium"),
    )
    with pytest.raises(NotFound):
        service.get_notification(db, actor=hsi, notification_id=n.id)
    with pytest.raises(NotFound):
        receiving.acknowledge(db, actor=hsi, notification_id=n.id)
    later = utcnow() + timedelta(days=400)
    assert jobs.purge_expired(db, actor=Actor.system("test"), retention_days=90, now=later) >= 1
    actions = [
        e.action
        for e in db.execute(
            select(AuditEntry).where(AuditEntry.resource_id == n.id).order_by(AuditEntry.id)
        ).scalars()
    ]
    assert actions == [
        "travel.notification.create",
        "travel.notification.read",
        "travel.notification.acknowledge",
        "travel.notification.respond",
        "travel.notification.amend",
        "travel.notification.purge",
    ]
    assert sealing.verify(db).ok
