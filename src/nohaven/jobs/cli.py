"""`nohaven jobs list|run NAME|work`: the job runner from the command line."""

from __future__ import annotations

import json
import signal
from datetime import timedelta
from types import FrameType
from typing import Annotated

import typer
from sqlalchemy import select

from nohaven.config import settings_of
from nohaven.db import create_db_engine, make_sessionmaker, require_database
from nohaven.jobs.models import JobState
from nohaven.jobs.runner import JobWorker, ensure_states, run_job
from nohaven.keys.ring import data_keyring
from nohaven.kit.terminal import AsJson, Terminal, show
from nohaven.main import scheduled_jobs

jobs_app = typer.Typer(help="Scheduled background work, run once across all processes.")
console = Terminal()
err = Terminal(stderr=True)


def _when(moment: object) -> str:
    return "—" if moment is None else f"{moment:%m-%d %H:%M:%S}"


def _every(interval: timedelta) -> str:
    seconds = interval.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


@jobs_app.command("list")
def list_jobs(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every job with its interval, when it is due next and how its last run went."""
    settings = settings_of(ctx)
    jobs = scheduled_jobs(settings)
    require_database(settings)
    engine = create_db_engine(settings.database_url)
    try:
        with make_sessionmaker(engine, keyring=data_keyring(settings))() as session:
            ensure_states(session, jobs)
            session.commit()
            states = {s.name: s for s in session.scalars(select(JobState))}
    finally:
        engine.dispose()
    rows = [
        {
            "job": name,
            "every": _every(job.every),
            "next due": _when(states[name].next_due_at),
            "last run": _when(states[name].last_finished_at),
            "outcome": states[name].last_outcome,
            "runs": states[name].runs,
            "fail": states[name].failures,
            "last counts": states[name].last_summary or "",
            "ran on": states[name].last_runner or "",
        }
        for name, job in jobs.items()
    ]
    show(rows, columns=tuple(rows[0]) if rows else ("job",), as_json=as_json, title="Times in UTC")


@jobs_app.command("run")
def run(ctx: typer.Context, name: str) -> None:
    """Run one job now, whether due or not (still never at the same time as elsewhere)."""
    settings = settings_of(ctx)
    jobs = scheduled_jobs(settings)
    job = jobs.get(name)
    if job is None:
        err.print(f"[bold red]error:[/] no job {name!r}; one of: {', '.join(jobs)}")
        raise typer.Exit(1)
    require_database(settings)
    engine = create_db_engine(settings.database_url)
    try:
        maker = make_sessionmaker(engine, keyring=data_keyring(settings))
        report = run_job(maker, job, settings=settings, force=True)
        while report.outcome == "done" and report.more:
            report = run_job(maker, job, settings=settings, force=True)
    finally:
        engine.dispose()
    if report.outcome == "busy":
        err.print(f"[bold red]error:[/] {name} is running in another process right now")
        raise typer.Exit(1)
    if report.outcome == "failed":
        err.print(f"[bold red]error:[/] {name} failed (see the log); it will be tried again")
        raise typer.Exit(1)
    console.print(f"{name}: {report.outcome} {json.dumps(report.counts, sort_keys=True)}")


@jobs_app.command("work")
def work(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option(help="run what is due once and exit")] = False,
) -> None:
    """Run due jobs until interrupted: beside servers started with NOHAVEN_JOB_WORKER=false,
    or anywhere else; as many of these as you like, each job still runs once."""
    settings = settings_of(ctx)
    require_database(settings)
    engine = create_db_engine(settings.database_url)
    worker = JobWorker(
        make_sessionmaker(engine, keyring=data_keyring(settings)),
        settings,
        jobs=scheduled_jobs(settings),
        tick=settings.job_tick_seconds,
    )
    try:
        if once:
            for report in worker.run_due():
                console.print(f"{report.name}: {report.outcome} {report.counts or ''}")
            return

        def stop(_signum: int, _frame: FrameType | None) -> None:
            worker.stop(timeout=0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        console.print(f"Running {len(worker.jobs)} jobs; Ctrl-C to stop.")
        worker.work()
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    """Add the job runner's commands to the root `nohaven` app."""
    app.add_typer(jobs_app, name="jobs")
