"""The `nohaven` command against a database of its own (it commits, like in real use)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from nohaven import cli
from nohaven.cli import app
from nohaven.config import get_settings
from nohaven.db import session_scope
from tests.conftest import postgres_database

runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture
def cli_db(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = postgres_database("cli") if backend == "postgresql" else f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    # Rich sized its console when nohaven.cli was imported; make tables wide enough to read.
    monkeypatch.setattr(cli.console, "width", 250)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_loads_once_and_lists_both_bodies(cli_db: str) -> None:
    first = _ok("demo", "--no-serve")
    assert "Demo data loaded." in first
    assert "secretariat@demo.nohaven.test" in first
    second = _ok("demo", "--no-serve")
    assert "nothing changed" in second
    bodies = _ok("bodies", "list")
    assert "Virtual Global" in bodies
    assert "Global" in bodies
    vgt = _ok("bodies", "show", "vgt")
    assert "Royal Canadian Mounted Police" in vgt  # a past chair, in the history
    assert "National Crime Agency" in _ok("orgs", "show", "National Crime Agency")
    assert "European Commission" in _ok("orgs", "list", "--kind", "intergovernmental")


def test_users_and_tokens_from_the_command_line(cli_db: str) -> None:
    _ok("demo", "--no-serve")
    out = _ok(
        "users",
        "create",
        "ops@example.org",
        "--organisation",
        "National Crime Agency",
        "--role",
        "analyst",
        "--name",
        "Ops",
        "--password",
        "a long enough password",
    )
    assert "Created ops@example.org" in out
    assert "ops@example.org" in _ok("users", "list", "--organisation", "National Crime Agency")
    result = runner.invoke(
        app,
        ["tokens", "create", "--email", "ops@example.org", "--name", "script", "--scope", "read"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("nh_")
    bad = runner.invoke(
        app,
        [
            "users",
            "create",
            "x@example.org",
            "--organisation",
            "No Such Org",
            "--role",
            "analyst",
            "--password",
            "a long enough password",
        ],
    )
    assert bad.exit_code == 1
    assert "error" in bad.output
    weak = runner.invoke(
        app,
        [
            "users",
            "create",
            "y@example.org",
            "--organisation",
            "National Crime Agency",
            "--role",
            "analyst",
            "--password",
            "short",
        ],
    )
    assert weak.exit_code == 1


def test_audit_verify_and_export(cli_db: str, tmp_path: Path) -> None:
    _ok("demo", "--no-serve")
    _ok(
        "users",
        "create",
        "ops@example.org",
        "--organisation",
        "National Crime Agency",
        "--role",
        "analyst",
        "--password",
        "a long enough password",
    )
    verified = _ok("audit", "verify")
    assert "Audit chain intact: 0 sealed entries" in verified
    assert "Not sealed yet: " in verified
    assert "Sealed " in _ok("audit", "seal")
    verified = _ok("audit", "verify")
    assert "Audit chain intact" in verified
    assert "Not sealed yet: 0 entries." in verified
    out = tmp_path / "audit.jsonl"
    _ok("audit", "export", "--output", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, len(lines) + 1))
    assert lines[-1]["action"] == "user.create"

    # Tamper as the database owner would: drop the guard, change an entry.
    with session_scope(get_settings()) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
        else:
            session.execute(text("DROP TRIGGER audit_entries_no_update"))
        session.execute(text("UPDATE audit_entries SET actor_label = 'someone else' WHERE seq = 2"))
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "entry 2" in result.output


def test_serve_refuses_the_repository_secrets_outside_demo(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nohaven.config import DEFAULT_DATA_KEY, DEFAULT_SECRET_KEY

    monkeypatch.setenv("NOHAVEN_SECRET_KEY", DEFAULT_SECRET_KEY)
    monkeypatch.setenv("NOHAVEN_DATA_KEY", DEFAULT_DATA_KEY)
    get_settings.cache_clear()
    result = runner.invoke(app, ["serve"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "NOHAVEN_SECRET_KEY" in result.output
    assert "NOHAVEN_DATA_KEY" in result.output


def test_first_organisation_and_admin_from_scratch(cli_db: str) -> None:
    _ok("db", "upgrade")
    out = _ok("orgs", "create", "Alliance Secretariat", "--kind", "ngo", "--country", "GBR")
    assert "Created Alliance Secretariat (ngo, GB)" in out
    _ok(
        "users",
        "create",
        "admin@example.org",
        "--organisation",
        "Alliance Secretariat",
        "--role",
        "secretariat_admin",
        "--password",
        "a long enough password",
    )
    again = runner.invoke(app, ["orgs", "create", "Alliance Secretariat", "--kind", "ngo"])
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad = runner.invoke(app, ["orgs", "create", "Pirates", "--kind", "pirates"])
    assert bad.exit_code == 1


def test_db_upgrade_is_repeatable(cli_db: str) -> None:
    assert "latest schema" in _ok("db", "upgrade")
    assert "latest schema" in _ok("db", "upgrade")
