"""Demo data of the travel domain (idempotent: loading twice changes nothing).

Points of contact for every VGT agency's country, and two illustrative notifications with
obviously fictional subjects: NCA → Australia (acknowledged by the AFP, monitored) and
US HSI → the Philippines (awaiting acknowledgement).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.kit.clock import utcnow
from nohaven.members.demo import VGT_AGENCIES
from nohaven.members.models import Organisation, User
from nohaven.travel import receiving, routing, service
from nohaven.travel.models import PointOfContact, ResponseKind, TravelNotification
from nohaven.travel.schemas import NotificationCreate, ResponseIn

DEMO_NOTIFICATIONS = (
    # (fixed id, sender user, receiver user or None, subject name, passport, destination)
    (
        "d0000000000000000000000000000001",
        "analyst@nca.demo.nohaven.test",
        "analyst@afp.demo.nohaven.test",
        "Fictional Demo-Subject One",
        "DEMO00001",
        "AU",
    ),
    (
        "d0000000000000000000000000000002",
        "analyst@hsi.demo.nohaven.test",
        None,
        "Fictional Demo-Subject Two",
        "DEMO00002",
        "PH",
    ),
)


def _actor(session: Session, email: str) -> Actor | None:
    user = session.execute(
        select(User).where(User.email == email).options(joinedload(User.organisation))
    ).scalar_one_or_none()
    return None if user is None else auth_service.actor_for(session, user)


def load(session: Session, *, late_hours: int) -> None:
    """Add this domain's demo records; members and users are already there."""
    loader = Actor.system("demo loader")
    for _name, short, _kind, country in VGT_AGENCIES:
        if country is None:
            continue
        if session.execute(select(PointOfContact).where(PointOfContact.country == country)).first():
            continue
        org = session.execute(
            select(Organisation).where(Organisation.short_name == short)
        ).scalar_one_or_none()
        if org is not None:
            routing.set_point_of_contact(
                session, actor=loader, country=country, organisation_id=org.id
            )
    for nid, sender_email, receiver_email, name, passport, destination in DEMO_NOTIFICATIONS:
        if session.get(TravelNotification, nid) is not None:
            continue
        sender = _actor(session, sender_email)
        if sender is None:
            continue
        departs = utcnow().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=10)
        data = NotificationCreate.model_validate(
            {
                "subject": {
                    "name": name,
                    "date_of_birth": date(1970, 1, 1).isoformat(),
                    "nationality": sender.country or "GB",
                    "passport_number": passport,
                },
                "conviction_summary": "Illustrative demo record: no real person or case.",
                "risk_tier": "high" if destination == "AU" else "medium",
                "legs": [
                    {
                        "destination_country": destination,
                        "departs_at": departs.isoformat(),
                        "leaves_on": (departs + timedelta(days=14)).date().isoformat(),
                        "carrier": "Demo Airways",
                        "flight_number": "DM1",
                    }
                ],
            }
        )
        notification, _warnings = service.create_notification(
            session, actor=sender, data=data, late_hours=late_hours, notification_id=nid
        )
        receiver = _actor(session, receiver_email) if receiver_email else None
        if receiver is not None:
            receiving.acknowledge(session, actor=receiver, notification_id=notification.id)
            receiving.respond(
                session,
                actor=receiver,
                notification_id=notification.id,
                data=ResponseIn(
                    response=ResponseKind.MONITORED, note="Demo: arrival will be monitored."
                ),
            )
