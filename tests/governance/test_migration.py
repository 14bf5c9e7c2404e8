"""The migration that turns the motion's pointers around: statements and applications keep
their motion (the latest, where a statement had several), and standing orders keep their rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, inspect, text

from nohaven import migrate
from nohaven.config import get_settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.governance.public.models import ContactMessage
from nohaven.keys.ring import data_keyring
from tests.conftest import postgres_database

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> str:
    if backend == "postgresql":
        return postgres_database("governance_migration")
    return f"sqlite:///{tmp_path / 'governance-migration.db'}"


def _motion(
    conn: Connection,
    motion_id: str,
    *,
    created: datetime,
    statement_id: str | None = None,
    application_id: str | None = None,
) -> None:
    conn.execute(
        text(
            "INSERT INTO motions (id, body_id, title, text, options, opens_at, closes_at, "
            "secret, majority, quorum_percent, created_at, statement_id, application_id) "
            "VALUES (:id, 'b1', 'Adopt', '', '[\"yes\", \"no\"]', :at, :closes, false, "
            "'simple', 50, :created, :statement_id, :application_id)"
        ),
        {
            "id": motion_id,
            "at": AT,
            "closes": AT + timedelta(days=7),
            "created": created,
            "statement_id": statement_id,
            "application_id": application_id,
        },
    )


def test_motions_no_longer_point_to_what_they_decide(empty_database: str) -> None:
    url = empty_database
    command.upgrade(migrate.alembic_config(url), "governance_0001")
    engine: Engine = create_db_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisations (id, name, kind, created_at) "
                "VALUES ('o1', 'Applicant Agency', 'law_enforcement', :at)"
            ),
            {"at": AT},
        )
        conn.execute(
            text(
                "INSERT INTO bodies (id, name, slug, kind, description, meetings_per_year, "
                "created_at) VALUES ('b1', 'A Taskforce', 'taskforce', 'alliance', '', 2, :at)"
            ),
            {"at": AT},
        )
        conn.execute(
            text(
                "INSERT INTO statements (id, body_id, slug, title, status, created_at, "
                "updated_at) VALUES ('s1', 'b1', 'on-safety', 'On safety', 'draft', :at, :at)"
            ),
            {"at": AT},
        )
        conn.execute(
            text(
                "INSERT INTO membership_applications (id, body_id, organisation_id, letter, "
                "status, reasons, created_at) VALUES ('a1', 'b1', 'o1', '', 'voting', '', :at)"
            ),
            {"at": AT},
        )
        _motion(conn, "m-first", created=AT, statement_id="s1")
        _motion(conn, "m-again", created=AT + timedelta(days=9), statement_id="s1")
        _motion(conn, "m-admit", created=AT, application_id="a1")
        _motion(conn, "m-plain", created=AT)
        conn.execute(
            text(
                "INSERT INTO governance_settings (body_id, quorum_percent, majority, "
                "eligible_kinds, requires_alliance_membership) "
                "VALUES ('b1', 60, 'two_thirds', '[]', false)"
            )
        )
    engine.dispose()

    migrate.upgrade(url)

    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT motion_id FROM statements")).scalar_one() == "m-again"
            assert (
                conn.execute(text("SELECT motion_id FROM membership_applications")).scalar_one()
                == "m-admit"
            )
            orders = conn.execute(text("SELECT * FROM standing_orders")).mappings().one()
            assert (orders["quorum_percent"], orders["majority"]) == (60, "two_thirds")
            assert conn.execute(text("SELECT count(*) FROM motions")).scalar_one() == 4
        columns = {c["name"] for c in inspect(engine).get_columns("motions")}
        assert not {"statement_id", "application_id"} & columns
        assert "governance_settings" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_contact_messages_already_received_are_sealed(empty_database: str) -> None:
    url = empty_database
    command.upgrade(migrate.alembic_config(url), "governance_0004")
    engine: Engine = create_db_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO bodies (id, name, slug, kind, description, meetings_per_year, "
                "created_at) VALUES ('b1', 'A Taskforce', 'taskforce', 'alliance', '', 2, :at)"
            ),
            {"at": AT},
        )
        conn.execute(
            text(
                "INSERT INTO contact_messages (id, body_id, name, email, subject, message, "
                "created_at) VALUES ('c1', 'b1', 'Ana Public', 'ana@example.org', 'A tip', "
                "'Words of the public', :at)"
            ),
            {"at": AT},
        )
    migrate.upgrade(url)
    with engine.connect() as conn:
        raw = " ".join(str(v) for v in conn.execute(text("SELECT * FROM contact_messages")).one())
    assert "Ana Public" not in raw
    assert "ana@example.org" not in raw
    assert "Words of the public" not in raw
    settings = get_settings().model_copy(update={"database_url": url})
    with make_sessionmaker(engine, keyring=data_keyring(settings))() as session:
        row = session.get(ContactMessage, "c1")
        assert row is not None
        assert (row.name, row.email, row.subject, row.message) == (
            "Ana Public",
            "ana@example.org",
            "A tip",
            "Words of the public",
        )
    command.downgrade(migrate.alembic_config(url), "governance_0004")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, message FROM contact_messages")).one() == (
            "Ana Public",
            "Words of the public",
        )
    engine.dispose()
