"""Itineraries sealed like the subject (issue 12): only the destination country and the
departure date stay in clear; authorised readers still see every detail; lists filter by
destination and date on the clear columns; the migration seals rows written before it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from nohaven import migrate
from nohaven.config import get_settings
from nohaven.db import DATA_KEYRING, create_db_engine
from nohaven.keys.ring import data_keyring
from nohaven.kit.crypto import sealed_key_id
from nohaven.travel.itinerary import open_leg
from nohaven.travel.models import ItineraryLeg, TravelNotification
from tests.conftest import postgres_database
from tests.factories import web_login
from tests.travel.conftest import World, send

BASE = "/api/v1/travel/notifications"


def test_leg_details_are_sealed_and_open_for_readers(
    world: World, db: Session, client: TestClient
) -> None:
    n = send(world, db, destinations=("AU", "US"))
    rows = db.execute(
        text(
            "SELECT destination_country, departs_on, itinerary FROM travel_itinerary_legs "
            "WHERE notification_id = :id ORDER BY position"
        ),
        {"id": n.id},
    ).all()
    assert [r[0] for r in rows] == ["AU", "US"]
    for _country, departs_on, itinerary in rows:
        assert departs_on is not None
        assert "Example Air" not in itinerary
        assert "EX10" not in itinerary
        assert sealed_key_id(itinerary) == data_keyring(get_settings()).current_id
    columns = {c["name"] for c in inspect(db.connection()).get_columns("travel_itinerary_legs")}
    assert not columns & {"carrier", "flight_number", "departs_at", "leaves_on"}

    body = client.get(f"{BASE}/{n.id}", headers=world.factory.headers(world.receiver)).json()
    first, second = body["legs"]
    assert (first["carrier"], first["flight_number"]) == ("Example Air", "EX100")
    assert second["flight_number"] == "EX101"
    assert first["departs_at"].startswith(first["departs_on"])
    assert first["leaves_on"] is not None


def test_lists_filter_by_destination_and_date(
    world: World, db: Session, client: TestClient
) -> None:
    soon = send(world, db, destinations=("AU",), departs_in=timedelta(days=5))
    later = send(world, db, destinations=("US", "AU"), departs_in=timedelta(days=40))
    headers = world.factory.headers(world.sender)

    def ids(**params: str) -> set[str]:
        response = client.get(BASE, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()}

    assert ids() == {soon.id, later.id}
    assert ids(destination="US") == {later.id}
    assert ids(destination="Australia") == {soon.id, later.id}
    day = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    assert ids(departs_from=day) == {later.id}
    assert ids(departs_until=day) == {soon.id}
    assert ids(destination="US", departs_until=day) == set()
    # The second leg (AU, a week after the US one) is what matches here.
    assert ids(destination="AU", departs_from=day) == {later.id}

    bad = client.get(BASE, params={"destination": "Atlantis"}, headers=headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert client.get(BASE, params={"departs_from": "soon"}, headers=headers).status_code == 422


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> str:
    if backend == "postgresql":
        return postgres_database("itinerary_migration")
    return f"sqlite:///{tmp_path / 'itinerary-migration.db'}"


def test_migration_seals_existing_itineraries(empty_database: str) -> None:
    url = empty_database
    command.upgrade(migrate.alembic_config(url), "travel_0001")
    engine: Engine = create_db_engine(url)
    departs = datetime(2031, 5, 4, 22, 15, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisations (id, name, kind, created_at) "
                "VALUES ('o1', 'Old Agency', 'law_enforcement', :at)"
            ),
            {"at": departs},
        )
        conn.execute(
            text(
                "INSERT INTO travel_notifications (id, sender_organisation_id, tlp, "
                "recipient_organisation_ids, status, version, risk_tier, channel, departs_at, "
                "travel_ends_on, is_late, sent_at) VALUES ('n1', 'o1', 'TLP:RED', '[]', 'sent', "
                "1, 'high', 'notice', :departs, :ends, false, :departs)"
            ),
            {"departs": departs, "ends": date(2031, 5, 20)},
        )
        conn.execute(
            text(
                "INSERT INTO travel_itinerary_legs (id, notification_id, position, "
                "destination_country, departs_at, leaves_on, carrier, flight_number) VALUES "
                "('l1', 'n1', 1, 'AU', :departs, :leaves, 'Old Carrier Air', 'OC77')"
            ),
            {"departs": departs, "leaves": date(2031, 5, 20)},
        )
    engine.dispose()

    migrate.upgrade(url)

    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            raw = conn.execute(text("SELECT * FROM travel_itinerary_legs")).mappings().one()
            assert "carrier" not in raw
            assert "Old Carrier" not in raw["itinerary"]
            assert raw["destination_country"] == "AU"
        with Session(engine, info={DATA_KEYRING: data_keyring(get_settings())}) as session:
            leg = session.get(ItineraryLeg, "l1")
            notification = session.get(TravelNotification, "n1")
            assert leg is not None
            assert notification is not None
            assert leg.departs_on == date(2031, 5, 4)
            assert notification.departs_on == date(2031, 5, 4)
            details = open_leg(leg)
            assert details is not None
            assert details.departs_at == departs
            assert details.leaves_on == date(2031, 5, 20)
            assert (details.carrier, details.flight_number) == ("Old Carrier Air", "OC77")
    finally:
        engine.dispose()


def test_list_page_filters_by_destination_and_date(
    world: World, db: Session, client: TestClient
) -> None:
    soon = send(world, db, destinations=("AU",), departs_in=timedelta(days=5))
    later = send(world, db, destinations=("US",), departs_in=timedelta(days=40))
    sender = world.factory.user(world.sender_org, roles=("analyst",), totp=True)
    web_login(client, sender)

    page = client.get("/travel", params={"destination": "US"})
    assert page.status_code == 200
    assert later.id in page.text
    assert soon.id not in page.text
    day = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    page = client.get("/travel", params={"departs_until": day})
    assert soon.id in page.text
    assert later.id not in page.text
    assert f'value="{day}"' in page.text  # the filter stays filled in

    refused = client.get("/travel", params={"departs_from": "next week"})
    assert refused.status_code == 422
    assert "is not a date" in refused.text
