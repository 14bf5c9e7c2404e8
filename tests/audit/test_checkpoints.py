"""Signed audit checkpoints (issue 12): the attack the chain alone cannot see. The database
owner rewrites an entry, recomputes every chain hash after it and deletes the database's own
checkpoints; `audit verify` passes, `audit verify --checkpoints FILE` with the checkpoints a
member exported earlier does not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.audit import checkpoints, sealing
from nohaven.audit import service as audit
from nohaven.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from nohaven.auth.actor import Actor
from nohaven.cli import app as cli_app
from nohaven.config import get_settings
from nohaven.db import create_db_engine
from nohaven.main import scheduled_jobs
from tests.conftest import postgres_database
from tests.factories import Factory

runner = CliRunner()
SYSTEM = Actor.system("test")


@pytest.fixture
def deployment(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Engine, Path]]:
    url = (
        postgres_database("checkpoints")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path / 'checkpoints.db'}"
    )
    migrate.upgrade(url)
    key = tmp_path / "audit-signing.pem"
    made = runner.invoke(cli_app, ["audit", "keygen", str(key)])
    assert made.exit_code == 0, made.output
    assert key.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    monkeypatch.setenv("NOHAVEN_AUDIT_SIGNING_KEY_FILE", str(key))
    get_settings.cache_clear()
    engine = create_db_engine(url)
    yield engine, tmp_path
    engine.dispose()
    get_settings.cache_clear()


def _record(engine: Engine, first: int, count: int) -> None:
    with Session(engine) as session:
        for n in range(first, first + count):
            audit.record(
                session,
                actor=SYSTEM,
                action=f"test.step{n}",
                resource_type="thing",
                resource_id=str(n),
                summary={"n": n},
            )
        session.commit()


def _rewrite_history(engine: Engine) -> None:
    """What a database owner can do: change entry 2, recompute the hash of every entry after
    it and the head, and delete the checkpoints the database holds."""
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
        else:
            session.execute(text("DROP TRIGGER audit_entries_no_update"))
            session.execute(text("DROP TRIGGER audit_entries_no_delete"))
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.seq == 2)
            .values(summary=json.dumps({"n": "rewritten"}))
        )
        prev = sealing.GENESIS
        entries = session.execute(
            select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq)
        ).scalars()
        for entry in entries:
            entry.prev_hash = prev
            entry.entry_hash = prev = sealing.entry_digest(entry)
        session.flush()
        head = session.get(AuditHead, 1)
        assert head is not None
        head.entry_hash = prev
        session.execute(text("DELETE FROM audit_checkpoints"))
        session.commit()


def test_rewritten_history_is_found_by_exported_checkpoints(
    deployment: tuple[Engine, Path],
) -> None:
    engine, tmp = deployment
    _record(engine, 0, 4)
    first = runner.invoke(cli_app, ["audit", "checkpoint"])
    assert first.exit_code == 0, first.output
    assert "Signed the audit chain's head at entry 4" in " ".join(first.output.split())
    _record(engine, 4, 3)
    second = runner.invoke(cli_app, ["audit", "checkpoint"])
    assert second.exit_code == 0, second.output
    with Session(engine) as session:
        stored = session.execute(select(AuditCheckpoint.seq)).scalars().all()
        # The first checkpoint's own audit entry is sealed into the second.
        assert stored == [4, 8]

    kept = tmp / "checkpoints.json"
    exported = runner.invoke(cli_app, ["audit", "checkpoints", "export", str(kept)])
    assert exported.exit_code == 0, exported.output
    assert len(json.loads(kept.read_text())["checkpoints"]) == 2
    before = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(kept)])
    assert before.exit_code == 0, before.output
    assert "2 signed checkpoints match" in before.output

    _rewrite_history(engine)

    plain = runner.invoke(cli_app, ["audit", "verify"])
    assert plain.exit_code == 0, plain.output  # the chain alone cannot tell
    caught = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(kept)])
    assert caught.exit_code == 1
    said = " ".join(caught.output.split())
    assert "entry 4 does not match the checkpoint" in said
    assert "the history up to it was rewritten" in said

    # Nor can the file be brought in line with the new history: the signature breaks.
    with Session(engine) as session:
        new_hash = session.execute(
            select(AuditEntry.entry_hash).where(AuditEntry.seq == 4)
        ).scalar_one()
    forged = json.loads(kept.read_text())
    forged["checkpoints"][0]["entry_hash"] = new_hash
    forged_file = tmp / "forged.json"
    forged_file.write_text(json.dumps(forged))
    refused = runner.invoke(cli_app, ["audit", "verify", "--checkpoints", str(forged_file)])
    assert refused.exit_code == 1
    assert "invalid signature" in " ".join(refused.output.split())


def test_checkpoints_need_the_key_file_and_run_as_a_job(
    deployment: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, tmp = deployment
    assert "audit.checkpoint" in scheduled_jobs(get_settings())
    _record(engine, 0, 2)
    assert runner.invoke(cli_app, ["jobs", "run", "audit.seal"]).exit_code == 0
    ran = runner.invoke(cli_app, ["jobs", "run", "audit.checkpoint"])
    assert ran.exit_code == 0, ran.output
    with Session(engine) as session:
        assert session.execute(select(AuditCheckpoint.seq)).scalars().all() == [2]
    # The head has not moved (the job's own audit entry is not sealed yet): nothing new.
    assert runner.invoke(cli_app, ["jobs", "run", "audit.checkpoint"]).exit_code == 0
    with Session(engine) as session:
        assert session.execute(select(AuditCheckpoint.seq)).scalars().all() == [2]
    monkeypatch.setenv("NOHAVEN_AUDIT_SIGNING_KEY_FILE", str(tmp / "missing.pem"))
    get_settings.cache_clear()
    result = runner.invoke(cli_app, ["audit", "checkpoint"])
    assert result.exit_code == 1
    assert "cannot be read" in " ".join(result.output.split())
    monkeypatch.delenv("NOHAVEN_AUDIT_SIGNING_KEY_FILE")
    get_settings.cache_clear()
    assert "audit.checkpoint" not in scheduled_jobs(get_settings())
    result = runner.invoke(cli_app, ["audit", "checkpoint"])
    assert result.exit_code == 1
    assert "nohaven audit keygen" in " ".join(result.output.split())
    with Session(engine) as session:
        assert len(session.execute(select(AuditCheckpoint)).all()) == 1  # the job's, above


def test_members_fetch_checkpoints_to_keep(
    db: Session, client: TestClient, factory: Factory
) -> None:
    key = Ed25519PrivateKey.generate()
    for n in range(3):
        audit.record(db, actor=SYSTEM, action=f"test.api{n}", resource_type="thing")
    sealing.seal_all(db)
    written = checkpoints.write_checkpoint(db, key)
    member = factory.user(factory.organisation("Checkpoint Keeper Police", country="NL"))
    response = client.get("/api/v1/audit/checkpoints", headers=factory.headers(member))
    assert response.status_code == 200, response.text
    kept = response.json()
    assert kept["checkpoints"][-1]["seq"] == written.seq
    trusted = {checkpoints.public_hex(key.public_key())}
    assert checkpoints.verify_against(db, kept, trusted_keys=trusted).ok
    assert client.get("/api/v1/audit/checkpoints").status_code == 401
