"""A small world for travel tests: three law-enforcement agencies with points of contact
(GB, AU, US), a government member, the secretariat, and a way to send a notification."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nohaven import migrate
from nohaven.auth.actor import Actor
from nohaven.db import create_db_engine
from nohaven.kit.clock import utcnow
from nohaven.members.models import Organisation, OrganisationKind, User
from nohaven.travel import routing, service
from nohaven.travel.models import TravelNotification
from nohaven.travel.schemas import NotificationCreate
from tests.conftest import postgres_database
from tests.factories import Factory

LE = OrganisationKind.LAW_ENFORCEMENT
SUBJECT_NAME = "Zebulon Quillfeather-Testcase"
PASSPORT = "ZQ9876543"
BIRTH = "1971-02-03"


@dataclass
class World:
    sender_org: Organisation
    receiver_org: Organisation
    third_org: Organisation
    government_org: Organisation
    sender: User
    sender_admin: User
    receiver: User
    receiver_admin: User
    third: User
    government: User
    secretariat: User
    factory: Factory

    def actor(self, user: User) -> Actor:
        return self.factory.actor(user)


def payload(
    *,
    destinations: tuple[str, ...] = ("AU",),
    departs_in: timedelta = timedelta(days=5),
    tier: str = "high",
    name: str = SUBJECT_NAME,
) -> dict[str, Any]:
    start = utcnow() + departs_in
    return {
        "subject": {
            "name": name,
            "date_of_birth": BIRTH,
            "nationality": "GB",
            "passport_number": PASSPORT,
        },
        "conviction_summary": "Convicted 2015 of contact offences against children (synthetic).",
        "risk_tier": tier,
        "legs": [
            {
                "destination_country": code,
                "departs_at": (start + timedelta(days=7 * i)).isoformat(),
                "leaves_on": (start + timedelta(days=7 * i + 5)).date().isoformat(),
                "carrier": "Example Air",
                "flight_number": f"EX{100 + i}",
            }
            for i, code in enumerate(destinations)
        ],
    }


def send(world: World, db: Session, **kwargs: Any) -> TravelNotification:
    notification, _warnings = service.create_notification(
        db,
        actor=world.actor(world.sender),
        data=NotificationCreate.model_validate(payload(**kwargs)),
        late_hours=LATE_HOURS,
    )
    return notification


@pytest.fixture
def world(db: Session, factory: Factory) -> World:
    sender_org = factory.organisation("Test Crime Agency", kind=LE, country="GB")
    receiver_org = factory.organisation("Test Federal Police", kind=LE, country="AU")
    third_org = factory.organisation("Test Homeland Investigations", kind=LE, country="US")
    government_org = factory.organisation("Test Government", country="GB")
    secretariat_org = factory.organisation("Test Secretariat", kind="intergovernmental")
    w = World(
        sender_org=sender_org,
        receiver_org=receiver_org,
        third_org=third_org,
        government_org=government_org,
        sender=factory.user(sender_org),
        sender_admin=factory.user(sender_org, roles=("org_admin",)),
        receiver=factory.user(receiver_org),
        receiver_admin=factory.user(receiver_org, roles=("org_admin",)),
        third=factory.user(third_org),
        government=factory.user(government_org, roles=("analyst", "delegate")),
        secretariat=factory.user(secretariat_org, roles=("secretariat_admin",)),
        factory=factory,
    )
    admin = w.actor(w.secretariat)
    for country, org in (("GB", sender_org), ("AU", receiver_org), ("US", third_org)):
        routing.set_point_of_contact(db, actor=admin, country=country, organisation_id=org.id)
    return w


@pytest.fixture
def own_database(backend: str, tmp_path: Path) -> Iterator[tuple[str, Engine, Path | None]]:
    if backend == "postgresql":
        url, path = postgres_database("travel_own"), None
    else:
        path = tmp_path / "at-rest.db"
        url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    yield url, engine, path
    engine.dispose()


# The travel settings these tests are written for (config.Settings' defaults), passed to the
# services as the app passes settings.travel_ack_hours and settings.travel_late_hours.
ACK_HOURS = 24
LATE_HOURS = 48
