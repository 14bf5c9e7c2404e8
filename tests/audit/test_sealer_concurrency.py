"""The audit chain does not serialise the platform: transactions that audit run side by side,
and the sealer chains only what has committed, in the order it committed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from nohaven import migrate
from nohaven.audit import sealing
from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.db import create_db_engine
from nohaven.kit.clock import utcnow
from tests.conftest import postgres_database

SYSTEM = Actor.system("test")


@pytest.fixture
def own_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own: these tests commit, and audit rows can never be deleted."""
    url = postgres_database("audit") if backend == "postgresql" else f"sqlite:///{tmp_path}/a.db"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield engine
    engine.dispose()


def _record(session: Session, action: str) -> None:
    audit.record(session, actor=SYSTEM, action=action, resource_type="thing")


def test_an_open_transaction_does_not_hold_up_others_or_the_sealer(
    backend: str, own_engine: Engine
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time by design; nothing to run side by side")
    slow = Session(own_engine)
    _record(slow, "test.slow")  # flushed, not committed: the old chain head lock was held here
    try:
        started = time.monotonic()
        for n in range(5):
            with Session(own_engine) as fast:
                _record(fast, f"test.fast{n}")
                fast.commit()
        with Session(own_engine) as sealer:
            assert sealing.seal(sealer) == 5  # the open transaction's entry is not visible
            sealer.commit()
        assert time.monotonic() - started < 2
        slow.commit()
    finally:
        slow.close()
    with Session(own_engine) as sealer:
        assert sealing.seal(sealer) == 1
        sealer.commit()
    with Session(own_engine) as session:
        order = session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars()
        # Sealed in the order the sealer found them committed: the slow one last.
        assert list(order) == [*(f"test.fast{n}" for n in range(5)), "test.slow"]
        assert sealing.verify(session).ok


def test_sealers_racing_never_fork_the_chain(own_engine: Engine) -> None:
    for batch in range(4):
        with Session(own_engine) as session:
            for n in range(50):
                _record(session, f"test.{batch}.{n}")
            session.commit()
    errors: list[BaseException] = []

    def sealer() -> None:
        try:
            while True:
                with Session(own_engine) as session:
                    sealed = sealing.seal(session, limit=7)
                    session.commit()
                if not sealed:
                    return
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sealer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    with Session(own_engine) as session:
        result = sealing.verify(session)
        assert result.ok, result.reason
        assert result.checked == 200
        assert result.unsealed == 0


def test_a_chain_written_before_the_sealer_still_verifies_and_grows(
    backend: str, tmp_path: Path
) -> None:
    from alembic import command

    url = (
        postgres_database("audit_old") if backend == "postgresql" else f"sqlite:///{tmp_path}/o.db"
    )
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(migrate.alembic_config(connection=conn), "0001_foundation")
        prev = sealing.GENESIS
        with engine.begin() as conn:
            for seq in (1, 2, 3):
                old = AuditEntry(
                    seq=seq,
                    at=utcnow(),
                    actor_user_id=None,
                    actor_label="before",
                    organisation_id=None,
                    action=f"old.{seq}",
                    resource_type="thing",
                    resource_id=None,
                    request_id="r",
                    summary="{}",
                    prev_hash=prev,
                )
                old.entry_hash = prev = sealing.entry_digest(old)
                values = {c: getattr(old, c) for c in _OLD_COLUMNS}
                # Raw SQL: the ORM table would name the row id this old schema lacks.
                names = ", ".join(_OLD_COLUMNS)
                marks = ", ".join(f":{c}" for c in _OLD_COLUMNS)
                sql = f"INSERT INTO audit_entries ({names}) VALUES ({marks})"  # noqa: S608 - constants
                conn.execute(text(sql), values)
            conn.execute(
                text("INSERT INTO audit_head (id, seq, entry_hash) VALUES (1, 3, :h)"), {"h": prev}
            )
        with engine.begin() as conn:
            migrate.upgrade(connection=conn)
        with Session(engine) as session:
            assert sealing.verify(session).checked == 3
            _record(session, "test.new")
            assert sealing.seal(session) == 1
            session.commit()
            result = sealing.verify(session)
            assert result.ok, result.reason
            assert result.checked == 4
            new = session.scalars(select(AuditEntry).where(AuditEntry.seq == 4)).one()
            assert new.action == "test.new"
            assert new.prev_hash == prev
    finally:
        engine.dispose()


_OLD_COLUMNS = (
    "seq",
    "at",
    "actor_user_id",
    "actor_label",
    "organisation_id",
    "action",
    "resource_type",
    "resource_id",
    "request_id",
    "summary",
    "prev_hash",
    "entry_hash",
)
