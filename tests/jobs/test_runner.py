"""Jobs run when due, once across workers, in one transaction with their schedule; failures
roll back and are retried; changes are audited."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from nohaven.audit import sealing
from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.config import Settings, get_settings
from nohaven.db import make_sessionmaker
from nohaven.jobs.models import JobState
from nohaven.jobs.registry import Job, JobContext, Outcome
from nohaven.jobs.runner import JobWorker, lock_key, run_job
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow
from nohaven.main import scheduled_jobs


def _settings(engine: Engine) -> Settings:
    return get_settings().model_copy(update={"database_url": str(engine.url)})


def _counting_job(name: str = "test.count", *, fail: bool = False) -> tuple[Job, list[int]]:
    runs: list[int] = []

    def run(session: Session, context: JobContext) -> Outcome:
        runs.append(1)
        audit.record(session, actor=context.actor, action="test.job", resource_type="thing")
        if fail:
            raise RuntimeError("the job broke")
        return Outcome({"things": 1})

    return Job(name, timedelta(hours=1), run, "counts its runs"), runs


def _state(engine: Engine, name: str) -> JobState:
    with Session(engine) as session:
        state = session.get(JobState, name)
        assert state is not None
        session.expunge(state)
        return state


def _actions(engine: Engine, action: str) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int(session.scalar(query) or 0)


def test_every_scheduled_job_is_registered(own_engine: Engine) -> None:
    assert set(scheduled_jobs(_settings(own_engine))) == {
        "audit.seal",
        "deconfliction.expire",
        "federation.taxii_pull",
        "governance.close_motions",
        "hashes.flood_watch",
        "operations.escalate",
        "operations.purge",
        "governance.prune_contact_attempts",
        "notifications.digest",
        "notifications.purge",
        "notifications.send_mail",
        "travel.escalate",
        "travel.purge",
        "webhooks.deliver",
        "webhooks.purge",
    }


def test_a_due_job_runs_then_waits_for_its_interval(own_engine: Engine) -> None:
    job, runs = _counting_job()
    maker = make_sessionmaker(own_engine, keyring=data_keyring(get_settings()))
    settings = _settings(own_engine)
    before = utcnow()
    assert run_job(maker, job, settings=settings).outcome == "done"
    assert run_job(maker, job, settings=settings).outcome == "not due"
    assert len(runs) == 1
    state = _state(own_engine, job.name)
    assert state.runs == 1
    assert state.last_outcome == "done"
    assert state.last_summary == '{"things":1}'
    assert state.next_due_at >= before + timedelta(hours=1)
    # Its changes and its own audit entry committed with the schedule.
    assert _actions(own_engine, "test.job") == 1
    assert _actions(own_engine, "job.run") == 1
    # Forced (`nohaven jobs run`), it runs whatever the schedule.
    assert run_job(maker, job, settings=settings, force=True).outcome == "done"
    assert len(runs) == 2


def test_racing_workers_run_a_due_job_exactly_once(own_engine: Engine) -> None:
    job, runs = _counting_job()
    settings = _settings(own_engine)
    workers = [
        JobWorker(
            make_sessionmaker(own_engine, keyring=data_keyring(get_settings())),
            settings,
            jobs={job.name: job},
        )
        for _ in range(4)
    ]
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def race(worker: JobWorker) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                worker.run_due()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(runs) == 1
    assert _actions(own_engine, "test.job") == 1
    assert _state(own_engine, job.name).runs == 1


def test_a_failed_run_leaves_nothing_behind_and_is_retried(own_engine: Engine) -> None:
    job, runs = _counting_job(fail=True)
    assert runs == []
    maker = make_sessionmaker(own_engine, keyring=data_keyring(get_settings()))
    started = utcnow()
    assert run_job(maker, job, settings=_settings(own_engine)).outcome == "failed"
    assert _actions(own_engine, "test.job") == 0
    state = _state(own_engine, job.name)
    assert (state.failures, state.runs) == (1, 0)
    assert state.last_error == "RuntimeError"  # the class only: messages may quote data
    assert started + timedelta(seconds=59) <= state.next_due_at <= utcnow() + timedelta(minutes=1)


def test_a_job_held_elsewhere_is_skipped_not_waited_for(backend: str, own_engine: Engine) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite waits for its one writer instead; covered by the racing test")
    job, runs = _counting_job()
    with own_engine.connect() as other:
        other.begin()
        assert other.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock_key(job.name)})
        report = run_job(
            make_sessionmaker(own_engine, keyring=data_keyring(get_settings())),
            job,
            settings=_settings(own_engine),
        )
        assert report.outcome == "busy"
        other.rollback()
    assert runs == []


def test_the_sealer_job_chains_what_others_wrote(own_engine: Engine) -> None:
    with Session(own_engine) as session:
        for n in range(3):
            audit.record(session, actor=_actor(), action=f"test.{n}", resource_type="thing")
        session.commit()
    settings = _settings(own_engine)
    job = scheduled_jobs(settings)["audit.seal"]
    report = run_job(
        make_sessionmaker(own_engine, keyring=data_keyring(get_settings())), job, settings=settings
    )
    assert report.counts == {"sealed": 3}
    with Session(own_engine) as session:
        result = sealing.verify(session)
        assert result.ok
        assert result.checked == 3
        assert result.unsealed == 0
    # The sealer writes no entry of its own, or the tail would never empty.
    assert _actions(own_engine, "job.run") == 0


def _actor() -> Actor:
    return Actor.system("test")
