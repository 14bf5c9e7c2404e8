"""The command line: bulk registration from a CSV, refusal of invalid rows, key commands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.cli import app
from nohaven.config import Settings, get_settings
from nohaven.db import session_scope
from nohaven.deconfliction.cli import read_selectors
from nohaven.deconfliction.models import Registration
from nohaven.members.models import Organisation, OrganisationKind, User

runner = CliRunner()


def test_read_selectors_validates_every_row(tmp_path: Path) -> None:
    csv_file = tmp_path / "s.csv"
    csv_file.write_text(
        "type,value,platform,seen\n"
        "email,A@Example.org,,\n"
        "phone,020 7946 0958,,\n"
        "ip,198.51.100.7,,2026-11-23\n"
        "ip,198.51.100.7,,\n"
        "username,someone,,\n"
        "email,nope,,\n"
        "ip,198.51.100.8,,23/11/2026\n"
    )
    selectors, rejected = read_selectors(csv_file, region="GB")
    assert [s.canonical for s in selectors] == [
        "v1|email||a@example.org",
        "v1|phone||+442079460958",
        "v1|ip|2026-11-23|198.51.100.7",
    ]
    assert [(r.line, r.reason.split(" ")[0]) for r in rejected] == [
        (5, "an"),
        (6, "a"),
        (7, "not"),
        (8, "the"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("value\nx@example.org\n")
    with pytest.raises(ValueError, match="header"):
        read_selectors(bad, region="GB")


@pytest.fixture
def own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI commits its own transactions: give it a database of its own."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    monkeypatch.setenv("NOHAVEN_OPRF_KEY", "33" * 32)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_register_refuses_invalid_files_without_a_traceback(tmp_path: Path) -> None:
    csv_file = tmp_path / "s.csv"
    csv_file.write_text("type,value\nemail,nope\nemail,ok@example.org\n")
    result = runner.invoke(
        app,
        ["deconflict", "register", str(csv_file), "--case", "C", "--contact", "n=x", "--as", "a@b"],
    )
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert "nothing was sent" in result.output
    result = runner.invoke(
        app, ["deconflict", "register", str(csv_file), "--case", "C", "--contact", "bad"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_new_key_prints_a_seed() -> None:
    result = runner.invoke(app, ["deconflict", "new-key"])
    assert result.exit_code == 0
    assert len(bytes.fromhex(result.output.strip())) == 32


def test_local_bulk_registration_with_progress(own_database: Settings, tmp_path: Path) -> None:
    with session_scope(own_database) as session:
        org = Organisation(name="CLI agency", kind=OrganisationKind.LAW_ENFORCEMENT, country="GB")
        session.add(org)
        session.flush()
        session.add(
            User(
                organisation_id=org.id,
                email="cli-analyst@example.org",
                display_name="CLI",
                roles=["analyst"],
            )
        )
    csv_file = tmp_path / "s.csv"
    rows = [f"email,bulk{i}@example.org" for i in range(1200)] + ["email,not-valid"]
    csv_file.write_text("type,value\n" + "\n".join(rows) + "\n")
    args = ["deconflict", "register", str(csv_file), "--case", "BULK-1"]
    args += ["--contact", "officer=Duty desk", "--as", "cli-analyst@example.org"]
    unknown = runner.invoke(app, [*args[:-1], "nobody@example.org", "--skip-invalid"])
    assert unknown.exit_code == 1
    assert "no active user" in unknown.output
    result = runner.invoke(app, [*args, "--skip-invalid", "--batch", "500"])
    assert result.exit_code == 0, result.output
    assert "Registered 1200 selectors" in result.output
    with session_scope(own_database) as session:
        assert session.scalar(select(func.count()).select_from(Registration)) == 1200
        dump = str(session.execute(select(Registration.token, Registration.sealed_contact)).all())
    assert "bulk1@example.org" not in dump
    assert "Duty desk" not in dump
    again = runner.invoke(app, [*args, "--skip-invalid"])
    assert "1200 already there" in again.output
    assert runner.invoke(app, ["deconflict", "purge"]).output.startswith("Deleted 0")
    # The configured key is the current epoch's: rotating without a new key is refused.
    refused = runner.invoke(app, ["deconflict", "rotate-key"])
    assert refused.exit_code == 1
    assert "already the current epoch" in refused.output
