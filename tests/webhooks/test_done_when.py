"""Issue 14's bar for webhooks, end to end with committed transactions: an agency sends a
travel notification through the API, and the job runner's worker delivers it, signed, to the
destination agency's own system within a minute, without personal data."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from nohaven import migrate
from nohaven.config import Settings, WebhookSettings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.jobs.runner import JobWorker
from nohaven.keys.ring import data_keyring
from nohaven.main import create_app, scheduled_jobs
from nohaven.travel import routing
from nohaven.webhooks import service
from nohaven.webhooks.schemas import EndpointCreate
from tests.conftest import postgres_database
from tests.factories import Factory
from tests.travel.conftest import BIRTH, PASSPORT, SUBJECT_NAME, payload
from tests.webhooks.receiver import Receiver


@pytest.fixture
def own_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    url = postgres_database("hooks") if backend == "postgresql" else f"sqlite:///{tmp_path}/w.db"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield engine
    engine.dispose()


def test_the_destination_agencys_webhook_gets_the_travel_notification_within_a_minute(
    own_engine: Engine, settings: Settings, receiver: Receiver
) -> None:
    # The schedule in production: the sender looks every 10 s, well within a minute.
    assert WebhookSettings().send_seconds <= 30
    settings = settings.model_copy(
        update={
            "database_url": str(own_engine.url),
            "webhooks": settings.webhooks.model_copy(update={"send_seconds": 1.0}),
        }
    )
    maker = make_sessionmaker(own_engine, keyring=data_keyring(settings))
    with maker() as session:
        factory = Factory(session, settings)
        le = "law_enforcement"
        sender_org = factory.organisation("Hooked Crime Agency", kind=le, country="GB")
        receiver_org = factory.organisation("Hooked Federal Police", kind=le, country="AU")
        sender = factory.user(sender_org)
        receiver_admin = factory.user(receiver_org, roles=("org_admin",))
        secretariat = factory.user(
            factory.organisation("Hooked Secretariat", kind="intergovernmental"),
            roles=("secretariat_admin",),
        )
        for country, org in (("GB", sender_org), ("AU", receiver_org)):
            routing.set_point_of_contact(
                session, actor=factory.actor(secretariat), country=country, organisation_id=org.id
            )
        # Even with the kind opted into full payloads, the text carries no personal data.
        issued = service.register_endpoint(
            session,
            actor=factory.actor(receiver_admin),
            data=EndpointCreate.model_validate(
                {
                    "url": receiver.url,
                    "kinds": ["travel.notification"],
                    "full_payload_kinds": ["travel.notification"],
                }
            ),
            keyring=data_keyring(settings),
            allow_http_loopback=True,
        )
        receiver.secrets.append(issued.secret)
        headers = factory.headers(sender)
        session.commit()
    worker = JobWorker(maker, settings, tick=0.2, jobs=scheduled_jobs(settings))
    worker.run_due()  # every job ran once: the sender is now on its schedule
    app = create_app(settings, engine=own_engine)
    with TestClient(app, base_url="https://testserver") as client:
        response = client.post(
            "/api/v1/travel/notifications", json=payload(destinations=("AU",)), headers=headers
        )
        assert response.status_code == 201, response.text
    notification_id = response.json()["id"]
    sent_at = time.monotonic()
    worker.start()
    try:
        while not receiver.received and time.monotonic() - sent_at < 60:
            time.sleep(0.1)
    finally:
        worker.stop()
    assert time.monotonic() - sent_at < 60
    [got] = receiver.received
    assert got.verified
    assert got.payload is not None
    assert got.payload["type"] == "travel.notification"
    assert got.payload["data"]["url"].startswith("https://nohaven.example/")
    assert notification_id in got.payload["data"]["url"]
    for personal in (SUBJECT_NAME, PASSPORT, BIRTH, *SUBJECT_NAME.split()):
        assert personal.lower() not in got.text.lower()
    assert json.loads(got.body)["data"]["title"]  # the full payload: the notice's own words
