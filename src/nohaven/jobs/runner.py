"""Claiming and running due jobs, once across every process and host.

A run is one database transaction that (1) takes the job's lock, (2) re-reads the job's state
and leaves if it is not due (another process ran it meanwhile), (3) runs the job, and (4)
writes the next due time, the outcome and the job's audit entry, then commits. The job's
changes and its schedule commit together or not at all: a process killed mid-run loses its
transaction, the job stays due, and the next process to look runs it.

The lock: on PostgreSQL a transaction-level advisory lock per job
(``pg_try_advisory_xact_lock``), tried without waiting, so a process that finds a job busy
moves on; it is released by commit, rollback or a dead connection. On SQLite the run's first
statement writes the job's row, which takes the database's single write lock (other processes
wait for it through the busy timeout, then find the job no longer due).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.db import INTENT_OPTION, READ_INTENT
from nohaven.jobs.models import JobState
from nohaven.jobs.registry import Job, JobContext
from nohaven.kit.clock import utcnow

log = logging.getLogger("nohaven.jobs")

# A failed job is tried again after this long (or its own interval, if shorter).
RETRY_AFTER_FAILURE = timedelta(minutes=1)


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lock_key(name: str) -> int:
    """The job's PostgreSQL advisory lock key: 64 bits of a hash of its name, so keys are
    stable across versions and unlikely to meet another application's."""
    digest = hashlib.sha256(f"nohaven.job:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _claim(session: Session, name: str) -> bool:
    if _is_postgresql(session):
        return bool(session.scalar(select(func.pg_try_advisory_xact_lock(lock_key(name)))))
    session.execute(update(JobState).where(JobState.name == name).values(runs=JobState.runs))
    return True


def ensure_states(session: Session, jobs: dict[str, Job]) -> None:
    """A state row for every job (due at once), without disturbing existing ones."""
    if not jobs:
        return
    now = utcnow()
    rows = [{"name": n, "next_due_at": now, "runs": 0, "failures": 0} for n in jobs]
    insert = pg_insert if _is_postgresql(session) else sqlite_insert
    session.execute(insert(JobState).values(rows).on_conflict_do_nothing(index_elements=["name"]))


@dataclass(frozen=True)
class RunReport:
    name: str
    # "done", "failed", "busy" (another process holds it) or "not due"
    outcome: str
    counts: dict[str, int] = field(default_factory=dict)
    more: bool = False


def run_job(
    maker: sessionmaker[Session], job: Job, *, settings: Settings, force: bool = False
) -> RunReport:
    """Run ``job`` if it is due (or at once with ``force``) and nobody else is running it."""
    with maker() as session:
        try:
            report = _run_in(session, job, settings=settings, force=force)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return report


def _run_in(session: Session, job: Job, *, settings: Settings, force: bool) -> RunReport:
    if not _claim(session, job.name):
        return RunReport(job.name, "busy")
    now = utcnow()
    state = session.get(JobState, job.name, populate_existing=True)
    if state is None:
        state = JobState(name=job.name, next_due_at=now, runs=0, failures=0)
        session.add(state)
    if not force and state.next_due_at > now:
        return RunReport(job.name, "not due")
    context = JobContext(settings=settings, actor=Actor.system(f"job {job.name}"), now=now)
    state.last_started_at = now
    state.last_runner = runner_name()[:200]
    savepoint = session.begin_nested()
    try:
        outcome = job.run(session, context)
        savepoint.commit()
    except Exception as exc:
        # The job's own changes are undone; its failure is recorded and it is tried again.
        savepoint.rollback()
        log.exception("job %s failed", job.name)
        state.failures += 1
        state.last_outcome = "failed"
        state.last_error = type(exc).__name__[:200]
        state.last_finished_at = utcnow()
        state.next_due_at = now + min(job.every, RETRY_AFTER_FAILURE)
        return RunReport(job.name, "failed")
    state.runs += 1
    state.last_outcome = "done"
    state.last_error = None
    state.last_summary = audit.canonical(outcome.counts)
    state.last_finished_at = utcnow()
    state.next_due_at = now if outcome.more else now + job.every
    if job.audited and outcome.changed:
        audit.record(
            session,
            actor=context.actor,
            action="job.run",
            resource_type="job",
            resource_id=job.name,
            summary={"counts": outcome.counts},
        )
    session.flush()
    return RunReport(job.name, "done", outcome.counts, outcome.more)


class JobWorker:
    """Looks for due jobs every ``tick`` seconds and runs them. Every server process runs one
    (unless told not to) and so may `nohaven jobs work`; the claim in `run_job` makes each
    due run happen in exactly one of them."""

    def __init__(
        self,
        maker: sessionmaker[Session],
        settings: Settings,
        *,
        jobs: dict[str, Job],
        tick: float = 1.0,
    ) -> None:
        self._maker = maker
        self._settings = settings
        self._tick = tick
        self.jobs = jobs
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self) -> list[RunReport]:
        """One pass: every job that is due, each in its own transaction."""
        now = utcnow()
        with self._maker() as session:
            # A plain read first: an idle pass costs one query, not a lock per job (on SQLite
            # a deferred transaction, so looking never takes the write lock).
            session.connection(execution_options={INTENT_OPTION: READ_INTENT})
            rows = session.execute(select(JobState.name, JobState.next_due_at)).all()
            due_at = dict(rows)
            session.rollback()
        reports = []
        for job in self.jobs.values():
            if job.name in due_at and due_at[job.name] > now:
                continue
            report = run_job(self._maker, job, settings=self._settings)
            while report.more and not self._stop.is_set():
                report = run_job(self._maker, job, settings=self._settings)
            reports.append(report)
        return reports

    def work(self) -> None:
        """Run passes until `stop()`. A failing pass (the database away, say) is logged and
        the next one tried: the worker must never take its process down."""
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception:
                log.exception("a pass of the job worker failed; trying again")
            self._stop.wait(self._tick)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.work, name="nohaven-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def install_worker(app: FastAPI, jobs: dict[str, Job]) -> None:
    """Let this server process take part in running ``jobs`` (started with the app)."""

    def start(app: FastAPI) -> None:
        settings: Settings = app.state.settings
        worker = JobWorker(
            app.state.sessionmaker, settings, jobs=jobs, tick=settings.job_tick_seconds
        )
        app.state.job_worker = worker
        worker.start()

    def stop(app: FastAPI) -> None:
        worker: JobWorker | None = getattr(app.state, "job_worker", None)
        if worker is not None:
            worker.stop()

    app.state.startup_hooks.append(start)
    app.state.shutdown_hooks.append(stop)
