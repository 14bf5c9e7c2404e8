"""Listing commands as a script and a person read them: ``--json`` everywhere, names where
ids were asked for, nothing cut off at any terminal width, and a plain word when there is no
database where the command looks."""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nohaven.cli import app
from nohaven.config import get_settings
from nohaven.hashes.demo import NCA_LIST
from nohaven.kit.terminal import PIPE_WIDTH, Terminal, table
from tests.conftest import postgres_database

# A narrow terminal, as a CI runner or a small window has: piped output must not wrap at it.
runner = CliRunner(env={"COLUMNS": "40"})
ANALYST = "analyst@nca.demo.nohaven.test"


@pytest.fixture
def demo_db(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = postgres_database("clilist") if backend == "postgresql" else f"sqlite:///{tmp_path}/c.db"
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    yield url
    get_settings.cache_clear()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(*args: str) -> object:
    return json.loads(_ok(*args, "--json"))


def test_listings_print_json_and_whole_names_at_any_width(demo_db: str) -> None:
    table = _ok("orgs", "list", "--kind", "intergovernmental")
    assert "European Commission" in table
    orgs = _json("orgs", "list")
    assert isinstance(orgs, list)
    nca = next(o for o in orgs if o["short"] == "NCA")
    assert nca["name"] == "National Crime Agency"
    assert nca["id"] in _ok("orgs", "list")  # the id whole, never "…"
    bodies = _json("bodies", "list")
    assert isinstance(bodies, list)
    assert {"vgt"} <= {b["slug"] for b in bodies}
    users = _json("users", "list", "--organisation", "NCA")  # a short name will do
    assert isinstance(users, list)
    assert ANALYST in {u["e-mail"] for u in users}
    assert all(u["organisation"] == "National Crime Agency" for u in users)
    lists = _json("hashes", "lists", "--as", ANALYST)
    assert isinstance(lists, list)
    assert NCA_LIST in {h["name"] for h in lists}
    assert isinstance(_json("meetings", "list"), list)
    assert isinstance(_json("jobs", "list"), list)
    assert isinstance(_json("keys", "status"), list)


def test_names_are_taken_where_ids_were(demo_db: str, tmp_path: Path) -> None:
    assert "National Crime Agency" in _ok("orgs", "show", "nca")
    shown = json.loads(_ok("bodies", "show", "Virtual Global Taskforce", "--json"))
    assert shown["name"] == "Virtual Global Taskforce"
    assert shown["chairs"]
    out = tmp_path / "nca.json"
    result = runner.invoke(
        app,
        ["hashes", "export", "--list", NCA_LIST.upper(), "--as", ANALYST, "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())
    missing = runner.invoke(app, ["hashes", "export", "--list", "No such list", "--as", ANALYST])
    assert missing.exit_code == 1
    assert "No such list" in missing.output


def test_a_terminal_folds_ids_and_a_pipe_never_wraps() -> None:
    assert Terminal(file=io.StringIO()).width >= PIPE_WIDTH  # no terminal: no wrapping
    asked = Terminal(file=io.StringIO())
    asked.width = 30  # a width set on purpose is kept
    assert asked.width == 30
    narrow = Terminal(file=io.StringIO(), force_terminal=True, color_system=None, width=20)
    grid = table("name", "id")
    grid.add_row("European Commission", "0123456789" * 4)
    narrow.print(grid)
    text = narrow.file.getvalue()  # type: ignore[attr-defined]
    assert "…" not in text
    assert "".join(ch for ch in text if ch.isdigit()) == "0123456789" * 4  # folded, all there


def test_outside_a_project_it_says_what_is_missing(tmp_path: Path) -> None:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOHAVEN_")}
    env |= {"NOHAVEN_SECRET_KEY": key, "NOHAVEN_DATA_KEY": key}
    result = subprocess.run(
        [sys.executable, "-m", "nohaven", "orgs", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "no nohaven database at" in result.stderr
    assert "NOHAVEN_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "var").exists()  # nothing created where it was run
    empty = tmp_path / "empty.db"
    empty.touch()
    env["NOHAVEN_DATABASE_URL"] = f"sqlite:///{empty}"
    result = subprocess.run(
        [sys.executable, "-m", "nohaven", "orgs", "list", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "has no nohaven schema" in result.stderr
    assert "nohaven db upgrade" in result.stderr
