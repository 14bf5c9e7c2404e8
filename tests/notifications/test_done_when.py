"""Issue 14's bar, end to end with committed transactions: an agency sends a travel
notification through the API, and the job runner's worker e-mails the destination's point of
contact within a minute, without personal data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from nohaven import migrate
from nohaven.config import MailSettings, Settings, get_settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.jobs.runner import JobWorker
from nohaven.keys.ring import data_keyring
from nohaven.main import create_app, scheduled_jobs
from nohaven.travel import routing
from tests.conftest import postgres_database
from tests.factories import Factory
from tests.notifications.conftest import FORBIDDEN
from tests.notifications.smtp import SmtpServer
from tests.travel.conftest import PASSPORT, SUBJECT_NAME, payload


@pytest.fixture
def own_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    url = postgres_database("mail") if backend == "postgresql" else f"sqlite:///{tmp_path}/m.db"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield engine
    engine.dispose()


def test_the_point_of_contact_gets_the_travel_notification_by_email_within_a_minute(
    own_engine: Engine, settings: Settings, smtp_server: SmtpServer
) -> None:
    # The schedule in production: the sender looks at least every 20 s, well within a minute.
    assert MailSettings().send_seconds <= 30
    settings = settings.model_copy(
        update={
            "database_url": str(own_engine.url),
            "mail": settings.mail.model_copy(update={"send_seconds": 1.0}),
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
    sent_at = time.monotonic()
    worker.start()
    try:
        while not smtp_server.to(contact.email, start) and time.monotonic() - sent_at < 60:
            time.sleep(0.1)
    finally:
        worker.stop()
    [mail] = smtp_server.to(contact.email, start)
    assert time.monotonic() - sent_at < 60
    assert mail.message["Subject"] == "nohaven: Travel notification to acknowledge"
    raw = mail.raw.decode(errors="replace")
    assert SUBJECT_NAME not in raw
    assert PASSPORT not in raw
