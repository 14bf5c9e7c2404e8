"""Issue 14's bar, end to end with committed transactions: an agency sends a travel
notification through the API, and the job runner's worker e-mails the destination's point of
contact (through a real SMTP server) and delivers it, signed, to the destination agency's own
system (a real HTTP receiver that verifies the signature), both within a minute, without
personal data in either."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from nohaven import migrate
from nohaven.config import MailSettings, Settings, WebhookSettings, get_settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.jobs.runner import JobWorker
from nohaven.keys.ring import data_keyring
from nohaven.main import create_app, scheduled_jobs
from nohaven.travel import routing
from nohaven.webhooks import service
from nohaven.webhooks.addresses import Guard
from nohaven.webhooks.schemas import EndpointCreate
from tests.conftest import postgres_database
from tests.factories import Factory
from tests.notifications.conftest import FORBIDDEN
from tests.notifications.smtp import SmtpServer
from tests.travel.conftest import BIRTH, PASSPORT, SUBJECT_NAME, payload
from tests.webhooks.receiver import Receiver


@pytest.fixture
def own_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    url = postgres_database("mail") if backend == "postgresql" else f"sqlite:///{tmp_path}/m.db"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield engine
    engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


def test_the_point_of_contact_gets_the_travel_notification_by_email_and_webhook_in_a_minute(
    own_engine: Engine, settings: Settings, smtp_server: SmtpServer, receiver: Receiver
) -> None:
    # The schedules in production: the senders look at least every 20 s, well within a minute.
    assert MailSettings().send_seconds <= 30
    assert WebhookSettings().send_seconds <= 30
    settings = settings.model_copy(
        update={
            "database_url": str(own_engine.url),
            "mail": settings.mail.model_copy(update={"send_seconds": 1.0}),
            # The receiver runs beside the server: loopback is allowed explicitly.
            "webhooks": WebhookSettings(
                allow_http_loopback=True, allowed_networks=["127.0.0.0/8"], send_seconds=1.0
            ),
        }
    )
    maker = make_sessionmaker(own_engine, keyring=data_keyring(get_settings()))
    with maker() as session:
        factory = Factory(session, settings)
        le = "law_enforcement"
        sender_org = factory.organisation("Committed Crime Agency", kind=le, country="GB")
        receiver_org = factory.organisation("Committed Federal Police", kind=le, country="AU")
        sender = factory.user(sender_org)
        contact = factory.user(receiver_org, roles=("analyst",), email="poc@afp.example")
        secretariat = factory.user(
            factory.organisation("Committed Secretariat", kind="intergovernmental"),
            roles=("secretariat_admin",),
        )
        admin = factory.actor(secretariat)
        for country, org in (("GB", sender_org), ("AU", receiver_org)):
            routing.set_point_of_contact(
                session, actor=admin, country=country, organisation_id=org.id
            )
        # Even with the kind opted into full payloads, the text carries no personal data.
        issued = service.register_endpoint(
            session,
            actor=factory.actor(factory.user(receiver_org, roles=("org_admin",))),
            data=EndpointCreate.model_validate(
                {
                    "url": receiver.url,
                    "kinds": ["travel.notification"],
                    "full_payload_kinds": ["travel.notification"],
                }
            ),
            keyring=data_keyring(settings),
            guard=Guard.of(settings),
        )
        receiver.secrets.append(issued.secret)
        headers = factory.headers(sender)
        session.commit()
    FORBIDDEN.update({SUBJECT_NAME, PASSPORT})
    start = len(smtp_server.received)
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
        while time.monotonic() - sent_at < 60 and not (
            smtp_server.to(contact.email, start) and receiver.received
        ):
            time.sleep(0.1)
    finally:
        worker.stop()
    [mail] = smtp_server.to(contact.email, start)
    assert time.monotonic() - sent_at < 60
    assert mail.message["Subject"] == "nohaven: Travel notification to acknowledge"
    raw = mail.raw.decode(errors="replace")
    assert SUBJECT_NAME not in raw
    assert PASSPORT not in raw
    # The webhook: signed with the endpoint's secret, identifiers and a link to sign in to.
    [got] = receiver.received
    assert got.verified
    assert got.payload is not None
    assert got.payload["type"] == "travel.notification"
    assert got.payload["data"]["url"].startswith("https://nohaven.example/")
    assert notification_id in got.payload["data"]["url"]
    assert got.payload["data"]["title"]  # the full payload: the notice's own words
    for personal in (SUBJECT_NAME, PASSPORT, BIRTH, *SUBJECT_NAME.split()):
        assert personal.lower() not in raw.lower()
        assert personal.lower() not in got.text.lower()
