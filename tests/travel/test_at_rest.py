"""The database holds no plaintext subject data: committed to a database of the test's own
(built with the migrations), then the raw SQLite file bytes, or PostgreSQL's raw row text,
are searched for the subject's details."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from nohaven.config import get_settings
from nohaven.db import make_sessionmaker
from nohaven.keys.ring import data_keyring
from nohaven.travel import corrections, receiving, routing, service
from nohaven.travel.models import ResponseKind, sealed_fields
from nohaven.travel.schemas import NotificationAmend, NotificationCreate, ResponseIn
from tests.factories import Factory
from tests.travel.conftest import BIRTH, LATE_HOURS, LE, PASSPORT, SUBJECT_NAME, payload

CONVICTION = "Convicted 2015 of contact offences"
NOTE = "Stopped at Sydney arrivals hall"
AMENDED_NAME = "Zebulon Quillfeather-Amended"
# The itinerary's carrier and flight number are sealed with the subject (issue 12).
SECRETS = (
    SUBJECT_NAME,
    PASSPORT,
    BIRTH,
    CONVICTION,
    NOTE,
    AMENDED_NAME,
    "ZQ1234567",
    "Example Air",
    "EX100",
)
CLEAR = "At-rest Crime Agency"  # an organisation's name: in clear, so the search is real


def _fill(session: Session) -> str:
    factory = Factory(session)
    gb = factory.organisation("At-rest Crime Agency", kind=LE, country="GB")
    au = factory.organisation("At-rest Federal Police", kind=LE, country="AU")
    secretariat = factory.user(
        factory.organisation("At-rest Secretariat"), roles=("secretariat_admin",)
    )
    sender, receiver = factory.user(gb), factory.user(au)
    routing.set_point_of_contact(
        session, actor=factory.actor(secretariat), country="AU", organisation_id=au.id
    )
    notification, _ = service.create_notification(
        session,
        actor=factory.actor(sender),
        data=NotificationCreate.model_validate(payload()),
        late_hours=LATE_HOURS,
    )
    service.get_notification(
        session, actor=factory.actor(receiver), notification_id=notification.id
    )
    receiving.acknowledge(session, actor=factory.actor(receiver), notification_id=notification.id)
    receiving.respond(
        session,
        actor=factory.actor(receiver),
        notification_id=notification.id,
        data=ResponseIn(response=ResponseKind.ENTRY_REFUSED, note=NOTE),
    )
    corrections.amend(
        session,
        actor=factory.actor(sender),
        notification_id=notification.id,
        data=NotificationAmend.model_validate(
            {
                "reason": "Corrected name and passport",
                "subject": {"name": AMENDED_NAME, "passport_number": "ZQ1234567"},
            }
        ),
    )
    return notification.id


def test_no_plaintext_subject_data_in_the_database(
    own_database: tuple[str, Engine, Path | None],
) -> None:
    _url, engine, path = own_database
    maker = make_sessionmaker(engine, keyring=data_keyring(get_settings()))
    with maker() as session:
        notification_id = _fill(session)
        session.commit()
    # It is really there, sealed, and opens for an authorised reader.
    with engine.connect() as conn:
        sealed = conn.execute(
            text("SELECT subject_name FROM travel_notifications WHERE id = :id"),
            {"id": notification_id},
        ).scalar_one()
    assert sealed
    assert SUBJECT_NAME not in sealed
    if path is not None:
        engine.dispose()  # checkpoint the write-ahead log into the file
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        raw = b"".join(p.read_bytes() for p in files)
        # The search does see the rows and plaintext stored in clear.
        assert notification_id.encode() in raw
        assert CLEAR.encode() in raw
        for secret in SECRETS:
            assert secret.encode() not in raw, secret
    else:
        with engine.connect() as conn:
            tables = [*sealed_fields(), "organisations", "audit_entries", "notices"]
            dump = " ".join(
                str(row[0])
                for table in tables
                for row in conn.execute(text(f"SELECT t::text FROM {table} t"))  # noqa: S608
            )
        assert notification_id in dump
        assert CLEAR in dump
        for secret in SECRETS:
            assert secret not in dump, secret
