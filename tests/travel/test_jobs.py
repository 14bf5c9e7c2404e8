"""Escalation and purge run as jobs: by `nohaven travel purge|escalate`, and by the server's
daemon thread (tested with tiny intervals, not by waiting a day). Each runs against a
committed database of the test's own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nohaven.audit import sealing
from nohaven.audit.models import AuditEntry
from nohaven.cli import app as cli_app
from nohaven.config import get_settings
from nohaven.db import DATA_KEYRING, make_sessionmaker
from nohaven.jobs.runner import JobWorker
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow
from nohaven.main import create_app, scheduled_jobs
from nohaven.notifications.models import Notice
from nohaven.travel import routing, service
from nohaven.travel.models import NotificationStatus, TravelNotification
from nohaven.travel.schemas import NotificationCreate
from tests.factories import Factory
from tests.travel.conftest import LATE_HOURS, LE, payload

runner = CliRunner(env={"COLUMNS": "200"})
OwnDb = tuple[str, Engine, Path | None]


def _arrange(engine: Engine) -> tuple[str, str]:
    """Two notifications: one whose travel ended 100 days ago, one sent 2 days ago, both
    unacknowledged. Returns their ids (ended, overdue)."""
    with make_sessionmaker(engine, keyring=data_keyring(get_settings()))() as session:
        factory = Factory(session)
        gb = factory.organisation("Jobs Crime Agency", kind=LE, country="GB")
        au = factory.organisation("Jobs Federal Police", kind=LE, country="AU")
        admin = factory.user(factory.organisation("Jobs Secretariat"), roles=("secretariat_admin",))
        sender = factory.actor(factory.user(gb))
        routing.set_point_of_contact(
            session, actor=factory.actor(admin), country="AU", organisation_id=au.id
        )
        ids = []
        for _ in range(2):
            n, _ = service.create_notification(
                session,
                actor=sender,
                data=NotificationCreate.model_validate(payload()),
                late_hours=LATE_HOURS,
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
    with Session(engine, info={DATA_KEYRING: data_keyring(get_settings())}) as session:
        found = session.get(TravelNotification, nid)
        assert found is not None
        session.expunge(found)
        return found


def _escalations(engine: Engine) -> int:
    with Session(engine, info={DATA_KEYRING: data_keyring(get_settings())}) as session:
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
    with Session(engine, info={DATA_KEYRING: data_keyring(get_settings())}) as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "travel.notification.purge")
        ).scalar_one()
        assert entry.resource_id == ended
        assert sealing.verify(session).ok

    bad = runner.invoke(cli_app, ["travel", "purge", "--days", "-1"])
    assert bad.exit_code == 2
    assert "zero or more" in bad.output
    assert "Traceback" not in bad.output


def test_the_job_runner_purges_and_escalates(own_database: OwnDb) -> None:
    url, engine, _path = own_database
    ended, _overdue = _arrange(engine)
    settings = get_settings().model_copy(update={"database_url": url})
    travel_jobs = {n: j for n, j in scheduled_jobs(settings).items() if n.startswith("travel.")}
    worker = JobWorker(
        make_sessionmaker(engine, keyring=data_keyring(get_settings())), settings, jobs=travel_jobs
    )
    reports = {r.name: r for r in worker.run_due()}
    assert reports["travel.purge"].counts == {"purged": 1}
    assert reports["travel.escalate"].counts == {"escalated": 2}
    assert _state(engine, ended).status == NotificationStatus.PURGED
    assert _escalations(engine) == 4
    # Not due again before their interval.
    assert {r.outcome for r in worker.run_due()} == set()
    assert travel_jobs["travel.purge"].every.total_seconds() == 86400
    assert travel_jobs["travel.escalate"].every.total_seconds() == 900


def test_the_server_runs_the_job_worker_and_stops_it(own_database: OwnDb) -> None:
    url, engine, _path = own_database
    settings = get_settings().model_copy(
        update={"database_url": url, "job_worker": True, "job_tick_seconds": 0.05}
    )
    ended, _overdue = _arrange(engine)
    app = create_app(settings, engine=engine)
    with TestClient(app):
        worker: JobWorker = app.state.job_worker
        assert worker.alive
        deadline = time.monotonic() + 20
        while _state(engine, ended).status != NotificationStatus.PURGED:
            assert time.monotonic() < deadline, "the worker did not purge"
            time.sleep(0.05)
    assert not worker.alive
