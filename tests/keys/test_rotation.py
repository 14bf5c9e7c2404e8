"""Key rotation (issue 12): sealed values name their key; `nohaven keys rotate` re-wraps every
sealed value under a new key, resumably and audited, the old key reading until it ends; two
rotations in a row, and everything reads back with only the newest key configured."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.cli import app as cli_app
from nohaven.config import get_settings
from nohaven.db import DATA_KEYRING, create_db_engine, make_sessionmaker
from nohaven.keys import rotation
from nohaven.keys.models import KeyRotation, RotationStatus
from nohaven.keys.ring import data_keyring
from nohaven.keys.service import FORMAT_1, census, check
from nohaven.kit.crypto import Keyring, SealError, new_key, seal, unseal
from nohaven.members.models import User
from tests.conftest import postgres_database
from tests.sealed_data import assert_every_sealed_column_filled, fill, read_all, use_keys

runner = CliRunner()


@pytest.fixture
def own_url(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = (
        postgres_database("keys")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path / 'keys.db'}"
    )
    migrate.upgrade(url)
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _seal_format_1(kek: bytes, plaintext: str, context: str) -> str:
    """A value as nohaven sealed it before key ids (format 1), to prove it is still read."""
    dek = AESGCM.generate_key(bit_length=256)
    wrap_nonce, data_nonce = os.urandom(12), os.urandom(12)
    wrapped = AESGCM(kek).encrypt(wrap_nonce, dek, b"\x01")
    body = AESGCM(dek).encrypt(data_nonce, plaintext.encode(), context.encode())
    return base64.b64encode(b"\x01" + wrap_nonce + wrapped + data_nonce + body).decode()


def test_keyring_reads_named_and_old_format_values() -> None:
    old, new = new_key(), new_key()
    ring_old = Keyring.from_config(old)
    sealed_old = seal(ring_old, "secret", context="t.f:1")
    legacy = _seal_format_1(base64.b64decode(old), "legacy", "t.f:2")
    both = Keyring.from_config(new, [old])
    assert unseal(both, sealed_old, context="t.f:1") == "secret"
    assert unseal(both, legacy, context="t.f:2") == "legacy"
    with pytest.raises(SealError, match="not configured"):
        unseal(Keyring.from_config(new), sealed_old, context="t.f:1")
    with pytest.raises(SealError):
        unseal(both, sealed_old, context="t.f:9")  # the context still binds


def test_rotate_twice_and_read_everything_back(
    own_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    k1, k2, k3 = new_key(), new_key(), new_key()
    engine: Engine = create_db_engine(own_url)

    def maker() -> Session:
        # Each session carries the key ring of the keys configured at that moment.
        return make_sessionmaker(engine, keyring=data_keyring(get_settings()))()

    try:
        use_keys(monkeypatch, k1)
        with maker() as session:
            world = fill(session)
            total = assert_every_sealed_column_filled(session)
            # One value in the format written before key ids existed.
            receiver = session.get(User, world.receiver_id)
            assert receiver is not None
            secret = unseal(
                data_keyring(get_settings()),
                receiver.totp_secret_sealed or "",
                context=f"users.totp_secret:{receiver.id}",
            )
            receiver.totp_secret_sealed = _seal_format_1(
                base64.b64decode(k1), secret, f"users.totp_secret:{receiver.id}"
            )
            session.commit()
            expected = read_all(session, world)
            assert census(session) == {
                data_keyring(get_settings()).current_id: total - 1,
                FORMAT_1: 1,
            }

        # Rotation to k2, stopped after its first batch (a crash, a Ctrl-C).
        use_keys(monkeypatch, k2, k1)
        ring2 = data_keyring(get_settings())
        batches: list[int] = []

        def stop_after_one(rows: int) -> None:
            batches.append(rows)
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            rotation.rotate(
                make_sessionmaker(engine, keyring=ring2),
                ring2,
                batch_size=2,
                on_batch=stop_after_one,
            )
        with maker() as session:
            [progress] = session.execute(select(KeyRotation)).scalars()
            assert progress.status == RotationStatus.RUNNING
            assert progress.after_id is not None
            done_first = progress.rewrapped
            assert 0 < done_first < total
            mixed = census(session)
            assert mixed[ring2.current_id] == done_first
            # Mid-rotation, the old key still reads what is not re-wrapped yet...
            assert read_all(session, world) == expected
        use_keys(monkeypatch, k2)
        with maker() as session, pytest.raises(SealError):
            read_all(session, world)  # ...and is needed for it.

        use_keys(monkeypatch, k2, k1)
        report = rotation.rotate(make_sessionmaker(engine, keyring=ring2), ring2, batch_size=2)
        assert report.resumed
        assert report.finished
        assert report.rewrapped == total - done_first  # resumed, not started over
        assert report.census == {ring2.current_id: total}

        use_keys(monkeypatch, k2)  # the old key is gone
        with maker() as session:
            assert read_all(session, world) == expected
            assert (
                check(session, data_keyring(get_settings()), actor=Actor.system("test")).opened
                == total
            )
            session.commit()

        # Second rotation, through the command, with a progress bar.
        use_keys(monkeypatch, k3, k2)
        result = runner.invoke(cli_app, ["keys", "rotate", "--batch-size", "3"])
        assert result.exit_code == 0, result.output
        assert "Finished rotation to key" in result.output
        use_keys(monkeypatch, k3)
        status = runner.invoke(cli_app, ["keys", "status"])
        assert data_keyring(get_settings()).current_id in status.output
        checked = runner.invoke(cli_app, ["keys", "check"])
        assert checked.exit_code == 0, checked.output
        assert f"All {total} sealed values open" in checked.output
        with maker() as session:
            assert read_all(session, world) == expected
            assert census(session) == {data_keyring(get_settings()).current_id: total}
            assert audit.verify(session).ok
            actions = set(session.execute(select(AuditEntry.action)).scalars())
            assert {
                "keys.rotation.start",
                "keys.rotation.batch",
                "keys.rotation.resume",
                "keys.rotation.finish",
                "keys.check",
            } <= actions
            # No personal data in the rotation's audit entries.
            summaries = " ".join(
                session.execute(
                    select(AuditEntry.summary).where(AuditEntry.action.startswith("keys."))
                ).scalars()
            )
            assert secret not in summaries
            finished = session.execute(
                text("SELECT count(*) FROM key_rotations WHERE status = 'finished'")
            ).scalar_one()
            assert finished == 2

        # With a key that was never configured, the check fails loudly.
        use_keys(monkeypatch, new_key())
        failed = runner.invoke(cli_app, ["keys", "check"])
        assert failed.exit_code == 1
        assert "do not open" in failed.output
    finally:
        engine.dispose()


def test_rotation_with_nothing_sealed_finishes(own_url: str) -> None:
    engine = create_db_engine(own_url)
    try:
        report = rotation.rotate(
            make_sessionmaker(engine, keyring=data_keyring(get_settings())),
            data_keyring(get_settings()),
        )
        assert report.finished
        assert report.rewrapped == 0
        with Session(engine, info={DATA_KEYRING: data_keyring(get_settings())}) as session:
            assert census(session) == {}
    finally:
        engine.dispose()
