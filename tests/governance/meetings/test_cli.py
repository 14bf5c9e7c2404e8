"""`nohaven meetings …`: the commands read the settings the root command built."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.cli import app
from nohaven.config import Settings, get_settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.demo import load_demo
from nohaven.governance.meetings.models import Meeting
from nohaven.keys.ring import data_keyring
from nohaven.members.models import Body
from tests.conftest import postgres_database

runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture
def demo_engine(
    backend: str, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    url = (
        postgres_database("meetings_cli")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path}/meetings.db"
    )
    engine = create_db_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    # The demo seals personal data (a travel notice's subject): the session needs the key ring.
    with make_sessionmaker(engine, keyring=data_keyring(settings))() as session:
        load_demo(session, settings=settings)
        session.commit()
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()
    engine.dispose()


def test_list_and_export_a_meeting(demo_engine: Engine) -> None:
    listed = runner.invoke(app, ["meetings", "list", "--body", "global-taskforce"])
    assert listed.exit_code == 0, listed.output
    assert "Global Taskforce plenary (next)" in listed.output
    assert "Proposed next:" in listed.output
    as_json = runner.invoke(app, ["meetings", "list", "--body", "global-taskforce", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert "Global Taskforce plenary (next)" in {m["title"] for m in json.loads(as_json.stdout)}
    with Session(demo_engine) as session:
        meeting_id = session.scalars(
            select(Meeting.id)
            .join(Body, Body.id == Meeting.body_id)
            .where(Body.slug == "global-taskforce", Meeting.title.like("%(next)"))
        ).one()
    exported = runner.invoke(app, ["meetings", "ics", meeting_id])
    assert exported.exit_code == 0, exported.output
    assert "BEGIN:VCALENDAR" in exported.output
    by_title = runner.invoke(app, ["meetings", "ics", "global taskforce plenary (next)"])
    assert by_title.exit_code == 0, by_title.output
    assert _without_stamp(by_title.output) == _without_stamp(exported.output)
    missing = runner.invoke(app, ["meetings", "ics", "No such meeting"])
    assert missing.exit_code == 1
    assert f"UID:{meeting_id}@nohaven" in exported.output
    missing = runner.invoke(app, ["meetings", "ics", "0" * 32])
    assert missing.exit_code == 1


def _without_stamp(calendar: str) -> list[str]:
    """The lines of an iCalendar text but DTSTAMP, the moment it was made."""
    return [line for line in calendar.splitlines() if not line.startswith("DTSTAMP")]
