"""Escalation and purge run as jobs: by `nohaven travel purge|escalate`, and by the server's
daemon thread (tested with tiny intervals, not by waiting a day). Each runs against a
committed database of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.cli import app as cli_app
from nohaven.config import get_settings
from nohaven.db import make_sessionmaker
from nohaven.kit.clock import utcnow
from nohaven.main import create_app
from nohaven.notifications.models import Notice
from nohaven.travel import service
from nohaven.travel.jobs import JobRunner
from nohaven.travel.models import NotificationStatus, TravelNotification
from nohaven.travel.schemas import NotificationCreate
from nohaven.travel.settings import get_travel_settings
from tests.factories import Factory
from tests.travel.conftest import LE, payload

runner = CliRunner(env={"COLUMNS": "200"})
OwnDb = tuple[str, Engine, Path | None]


def _arrange(engine: Engine) -> tuple[str, str]:
    """Two notifications: one whose travel ended 100 days ago, one sent 2 days ago, both
    unacknowledged. Returns their ids (ended, overdue)."""
    with make_sessionmaker(engine)() as session:
        factory = Factory(session)
        gb = factory.organisation("Jobs Crime Agency", kind=LE, country="GB")
        au = factory.organisation("Jobs Federal Police", kind=LE, country="AU")
        admin = factory.user(factory.organisation("Jobs Secretariat"), roles=("secretariat_admin",))
        sender = factory.actor(factory.user(gb))
        service.set_point_of_contact(
            session, actor=factory.actor(admin), country="AU", organisation_id=au.id
        )
        ids = []
        for _ in range(2):
            n, _ = service.create_notification(
                session, actor=sender, data=NotificationCreate.model_validate(payload())
            )
            ids.append(n.id)
        ended, overdue = ids
        # Time passes: move the records into the past instead of waiting.
        long_ago = utcnow() - timedelta(days=110)
        session.execute(
            update(TravelNotification)
            .where(TravelNotification.id == ended)
            .values(
                sent_at=long_ago,
                departs_on=(long_ago + timedelta(days=3)).date(),
                travel_ends_on=(long_ago + timedelta(days=10)).date(),
            )
        )
        session.execute(
            update(TravelNotification)
            .where(TravelNotification.id == overdue)
            .values(sent_at=utcnow() - timedelta(days=2))
        )
        session.commit()
    return ended, overdue


def _state(engine: Engine, nid: str) -> TravelNotification:
    with Session(engine) as session:
        found = session.get(TravelNotification, nid)
        assert found is not None
        session.expunge(found)
        return found


def _escalations(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.execute(select(Notice).where(Notice.kind == "travel.escalation")).all())


@pytest.fixture
def cli_env(own_database: OwnDb, monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnDb]:
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", own_database[0])
    get_settings.cache_clear()
    yield own_database
    get_settings.cache_clear()


def test_cli_purge_and_escalate(cli_env: OwnDb) -> None:
    _url, engine, _path = cli_env
    ended, overdue = _arrange(engine)
    result = runner.invoke(cli_app, ["travel", "escalate"])
    assert result.exit_code == 0, result.output
    # Both are unacknowledged and past their acknowledgement window.
    assert "Escalated 2 overdue acknowledgement(s)." in result.output
    assert _escalations(engine) == 4  # receiver's admins and sender, for each
    again = runner.invoke(cli_app, ["travel", "escalate"])
    assert "Escalated 0" in again.output

    result = runner.invoke(cli_app, ["travel", "purge"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 travel notification(s)" in result.output
    purged, kept = _state(engine, ended), _state(engine, overdue)
    assert purged.status == NotificationStatus.PURGED
    assert purged.subject_name is None
    assert purged.subject_passport_number is None
    assert kept.subject_name is not None
    with Session(engine) as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "travel.notification.purge")
        ).scalar_one()
        assert entry.resource_id == ended
        assert audit.verify(session).ok

    bad = runner.invoke(cli_app, ["travel", "purge", "--days", "-1"])
    assert bad.exit_code == 2
    assert "zero or more" in bad.output
    assert "Traceback" not in bad.output


def test_job_runner_purges_and_escalates_on_its_thread(own_database: OwnDb) -> None:
    _url, engine, _path = own_database
    ended, _overdue = _arrange(engine)
    jobs = JobRunner(make_sessionmaker(engine), retention_days=90, interval=0.05, first_delay=0)
    jobs.start()
    try:
        assert jobs.ran.wait(10)
    finally:
        jobs.stop()
    assert not jobs.alive
    assert jobs.failures == 0
    assert jobs.runs >= 1
    assert _state(engine, ended).status == NotificationStatus.PURGED
    assert _escalations(engine) == 4


def test_job_runner_waits_for_its_first_delay(own_database: OwnDb) -> None:
    _url, engine, _path = own_database
    jobs = JobRunner(make_sessionmaker(engine), retention_days=90, interval=3600, first_delay=3600)
    jobs.start()
    assert jobs.alive
    jobs.stop()
    assert not jobs.alive
    assert jobs.runs == 0


def test_server_starts_and_stops_the_daily_jobs(own_database: OwnDb) -> None:
    url, engine, _path = own_database
    settings = get_settings().model_copy(update={"database_url": url})
    app = create_app(settings, engine=engine)
    with TestClient(app):
        jobs: JobRunner = app.state.travel_jobs
        assert jobs.alive
        assert jobs.interval == get_travel_settings().travel_job_interval_seconds == 86400
    assert not jobs.alive
