"""Backup and restore (issue 12), on the test's own databases: `nohaven backup` writes an
encrypted archive with nothing readable in it; `nohaven restore` brings it back into an empty
database whose audit chain verifies and whose every sealed value reads back; a non-empty
target, an altered archive and a missing key are refused with the target left untouched."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.cli import app as cli_app
from nohaven.config import get_settings
from nohaven.db import DATA_KEYRING, create_db_engine
from nohaven.keys.ring import data_keyring
from nohaven.keys.service import census
from nohaven.kit.crypto import new_key
from tests.conftest import postgres_database
from tests.sealed_data import assert_every_sealed_column_filled, fill, read_all, use_keys

runner = CliRunner()


@dataclass
class Deployment:
    source: str
    target: str
    archive: Path
    tmp: Path


def _url(backend: str, tmp: Path, name: str) -> str:
    if backend == "postgresql":
        return postgres_database(f"backup_{name}")
    return f"sqlite:///{tmp / f'{name}.db'}"


@pytest.fixture
def deployment(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployment]:
    use_keys(monkeypatch, new_key())
    source = _url(backend, tmp_path, "source")
    migrate.upgrade(source)
    yield Deployment(
        source, _url(backend, tmp_path, "target"), tmp_path / "nohaven.backup", tmp_path
    )
    get_settings.cache_clear()


def _use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    get_settings.cache_clear()


def _tables(url: str) -> list[str]:
    engine = create_db_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_backup_restores_into_an_empty_database(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = create_db_engine(deployment.source)
    with Session(engine, info={DATA_KEYRING: data_keyring(get_settings())}) as session:
        world = fill(session)
        session.commit()
        expected = read_all(session, world)
        sealed = assert_every_sealed_column_filled(session)
        session.commit()
    engine.dispose()

    _use(monkeypatch, deployment.source)
    made = runner.invoke(cli_app, ["backup", str(deployment.archive)])
    assert made.exit_code == 0, made.output
    raw = deployment.archive.read_bytes()
    # Encrypted as a whole: not even names in clear, unlike the database itself.
    for clear in (b"Sealed Crime Agency", b"travel_notifications", b"SQLite format", b"PGDMP"):
        assert clear not in raw

    _use(monkeypatch, deployment.target)
    restored = runner.invoke(cli_app, ["restore", str(deployment.archive)])
    assert restored.exit_code == 0, restored.output
    assert "Audit chain intact" in restored.output
    assert f"All {sealed} sealed values open" in restored.output

    engine = create_db_engine(deployment.target)
    try:
        with Session(engine, info={DATA_KEYRING: data_keyring(get_settings())}) as session:
            assert audit.verify(session).ok
            assert read_all(session, world) == expected
            assert sum(census(session).values()) == sealed
            actions = set(session.execute(select(AuditEntry.action)).scalars())
            assert {"system.backup", "system.restore", "travel.notification.create"} <= actions
        verify = runner.invoke(cli_app, ["audit", "verify"])
        assert verify.exit_code == 0, verify.output
    finally:
        engine.dispose()

    # A second restore into the now-populated database is refused.
    again = runner.invoke(cli_app, ["restore", str(deployment.archive)])
    assert again.exit_code == 1
    assert "not empty" in again.output


def test_altered_archive_and_missing_key_restore_nothing(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, deployment.source)
    assert runner.invoke(cli_app, ["backup", str(deployment.archive)]).exit_code == 0
    raw = bytearray(deployment.archive.read_bytes())

    _use(monkeypatch, deployment.target)
    altered = deployment.tmp / "altered.backup"
    raw_altered = bytearray(raw)
    raw_altered[-40] ^= 0x01
    altered.write_bytes(bytes(raw_altered))
    result = runner.invoke(cli_app, ["restore", str(altered)])
    assert result.exit_code == 1
    assert "altered or is damaged" in result.output
    assert _tables(deployment.target) == []

    truncated = deployment.tmp / "truncated.backup"
    truncated.write_bytes(bytes(raw[: len(raw) // 2]))
    result = runner.invoke(cli_app, ["restore", str(truncated)])
    assert result.exit_code == 1
    assert "truncated" in result.output
    assert _tables(deployment.target) == []

    use_keys(monkeypatch, new_key())  # the archive's key is not configured
    result = runner.invoke(cli_app, ["restore", str(deployment.archive)])
    assert result.exit_code == 1
    assert "not configured" in result.output
    assert _tables(deployment.target) == []
