"""`nohaven policy …` on a database of its own: load criteria, import, export, safe havens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.cli import app
from nohaven.config import get_settings
from nohaven.db import session_scope
from tests.factories import Factory


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    # The root command builds its settings from the environment, once per invocation.
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    return url


def test_policy_commands(cli_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["policy", "load-criteria"])
    assert first.exit_code == 0, first.output
    assert "version 1 (16 criteria) loaded" in first.output
    again = runner.invoke(app, ["policy", "load-criteria"])
    assert "unchanged" in again.output

    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x", "criteria": []}')
    refused = runner.invoke(app, ["policy", "load-criteria", str(bad)])
    assert refused.exit_code == 1
    assert "Traceback" not in refused.output

    settings = get_settings().model_copy(update={"database_url": cli_db})
    with session_scope(settings) as session:
        factory = Factory(session)
        user = factory.user(factory.organisation(country="GB"), roles=("delegate",))
        email = user.email
    rows = tmp_path / "rows.csv"
    rows.write_text("country,criterion_key,status\nKE,grooming,met\nZZ,grooming,met\n")
    rejected = runner.invoke(app, ["policy", "import", str(rows), "--user", email])
    assert rejected.exit_code == 1
    assert "row 2" in rejected.output
    rows.write_text("country,criterion_key,status\nKE,grooming,met\n")
    imported = runner.invoke(app, ["policy", "import", str(rows), "--user", email, "--submit"])
    assert imported.exit_code == 0, imported.output
    assert "Imported 1" in imported.output

    exported = runner.invoke(app, ["policy", "export", "--format", "json"])
    assert json.loads(exported.output)["assessments"] == []  # submitted, not yet approved
    assert runner.invoke(app, ["policy", "export", "--as-of", "soon"]).exit_code == 1
    havens = runner.invoke(app, ["policy", "safe-havens", "--region", "Africa"])
    assert havens.exit_code == 0
