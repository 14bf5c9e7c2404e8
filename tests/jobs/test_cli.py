"""`nohaven jobs list|run|work --once` against a database of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nohaven import cli
from nohaven.audit import sealing
from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.cli import app
from nohaven.config import get_settings
from nohaven.jobs import cli as jobs_cli

runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture
def cli_env(own_url: str, own_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", own_url)
    monkeypatch.setattr(cli.console, "width", 250)
    monkeypatch.setattr(jobs_cli.console, "width", 250)
    get_settings.cache_clear()
    yield own_engine
    get_settings.cache_clear()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_list_run_and_work_once(cli_env: Engine) -> None:
    with Session(cli_env) as session:
        audit.record(session, actor=Actor.system("test"), action="test.cli", resource_type="x")
        session.commit()
    listed = _ok("jobs", "list")
    for name in ("audit.seal", "travel.purge", "governance.close_motions"):
        assert name in listed
    assert "2 s" in listed  # the sealer's interval
    assert 'audit.seal: done {"sealed": 1}' in _ok("jobs", "run", "audit.seal")
    with Session(cli_env) as session:
        assert sealing.verify(session).checked == 1
    worked = _ok("jobs", "work", "--once")
    assert "travel.purge: done" in worked
    assert "deconfliction.expire: done" in worked
    # Nothing is due any more: a second pass runs nothing.
    assert "travel.purge" not in _ok("jobs", "work", "--once")

    unknown = runner.invoke(app, ["jobs", "run", "no.such.job"])
    assert unknown.exit_code == 1
    assert "no job 'no.such.job'" in unknown.output
