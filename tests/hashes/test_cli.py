"""`nohaven hashes …` and `nohaven scan` against a committed SQLite database of demo data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.cli import app
from nohaven.config import get_settings
from nohaven.db import session_scope
from nohaven.demo import load_demo
from nohaven.hashes import demo as hashes_demo

AFP = "analyst@afp.demo.nohaven.test"
ECPAT = "observer@ecpat.demo.nohaven.test"


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    get_settings.cache_clear()
    migrate.upgrade(url)
    with session_scope(get_settings()) as session:
        load_demo(session)
    yield url
    get_settings.cache_clear()


def test_lists_as_a_user(demo_db: str) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["hashes", "lists", "--as", AFP])
    assert shown.exit_code == 0, shown.output
    assert "NCA known material" in shown.output
    assert "AFP operation series" in shown.output
    nothing = runner.invoke(app, ["hashes", "lists", "--as", ECPAT])
    assert "NCA known material" not in nothing.output
    unknown = runner.invoke(app, ["hashes", "lists", "--as", "nobody@example.org"])
    assert unknown.exit_code == 1
    assert "No active user" in unknown.output
    assert hashes_demo.NCA_LIST
