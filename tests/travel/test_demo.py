"""Demo data: points of contact for the demo agencies and two fictional notifications;
loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.demo import load_demo
from nohaven.members.models import Organisation
from nohaven.travel import present, service
from nohaven.travel.demo import DEMO_NOTIFICATIONS
from nohaven.travel.models import PointOfContact, TravelNotification
from tests.factories import Factory


def _counts(db: Session) -> tuple[int, int]:
    contacts = db.scalar(select(func.count()).select_from(PointOfContact)) or 0
    notes = db.scalar(select(func.count()).select_from(TravelNotification)) or 0
    return contacts, notes


def test_demo_loads_once(db: Session) -> None:
    load_demo(db)
    first = _counts(db)
    load_demo(db)
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


def test_demo_notification_is_seen_by_afp_only(db: Session, factory: Factory) -> None:
    load_demo(db)
    nid = DEMO_NOTIFICATIONS[0][0]
    afp = db.execute(select(Organisation).where(Organisation.short_name == "AFP")).scalar_one()
    hsi = db.execute(select(Organisation).where(Organisation.short_name == "US HSI")).scalar_one()
    reader = factory.actor(factory.user(afp))
    shown = present.detail(
        db,
        actor=reader,
        notification=service.get_notification(db, actor=reader, notification_id=nid),
    )
    assert shown.subject is not None
    assert shown.subject.name.startswith("Fictional")
    assert shown.recipients[0].response == "monitored"
    outsider = factory.actor(factory.user(hsi))
    assert nid not in {n.id for n in service.list_notifications(db, actor=outsider)}
