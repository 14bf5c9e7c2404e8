"""The audit chain: entries are written unsealed in the change's transaction, the sealer
numbers and chains them, verification catches tampering of sealed entries and reports the
unsealed tail."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nohaven.audit import sealing
from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.kit.clock import utcnow
from nohaven.transactions import DbSession

SYSTEM = Actor.system("test")


def _drop_guards(db: Session) -> None:
    """The tamperer of these tests has the database owner's rights, which is what
    verification is for."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
    else:
        db.execute(text("DROP TRIGGER audit_entries_no_update"))
        db.execute(text("DROP TRIGGER audit_entries_no_delete"))


def _record(db: Session, n: int) -> AuditEntry:
    audit.record(
        db,
        actor=SYSTEM,
        action=f"test.step{n}",
        resource_type="thing",
        resource_id=str(n),
        summary={"n": n},
    )
    # record() writes a row, not an object: load it as the reader will
    return db.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()


def _three(db: Session) -> None:
    """Three sealed entries, and the append-only triggers dropped."""
    for n in range(3):
        _record(db, n)
    assert sealing.seal_all(db) == 3
    _drop_guards(db)


def test_entries_are_unsealed_until_the_sealer_chains_them(db: Session) -> None:
    first, second = _record(db, 0), _record(db, 1)
    assert first.seq is None
    assert first.entry_hash is None
    result = sealing.verify(db)
    assert result.ok
    assert result.checked == 0
    assert result.unsealed == 2
    assert result.oldest_unsealed_at == first.at

    assert sealing.seal(db) == 2
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == sealing.GENESIS
    assert second.prev_hash == first.entry_hash
    assert sealing.sealed_head(db) == sealing.SealedHead(2, second.entry_hash or "")
    result = sealing.verify(db)
    assert result.ok
    assert result.checked == 2
    assert result.unsealed == 0
    assert sealing.seal(db) == 0


def test_the_sealer_works_in_batches_and_continues_the_chain(db: Session) -> None:
    for n in range(5):
        _record(db, n)
    assert sealing.seal(db, limit=2) == 2
    assert sealing.verify(db).unsealed == 3
    assert sealing.seal(db, limit=2) == 2
    assert sealing.seal(db, limit=2) == 1
    seqs = db.scalars(select(AuditEntry.seq).order_by(AuditEntry.id)).all()
    assert seqs == [1, 2, 3, 4, 5]
    assert sealing.verify(db).ok


def test_the_age_of_the_unsealed_tail_is_reported(db: Session) -> None:
    _record(db, 0)
    later = utcnow() + timedelta(minutes=10)
    assert sealing.verify(db).unsealed_age_seconds(later) >= 599


def test_altered_entry_is_named(db: Session) -> None:
    _three(db)
    db.execute(
        text("UPDATE audit_entries SET summary = :s WHERE seq = 2"), {"s": json.dumps({"n": 99})}
    )
    db.expire_all()
    result = sealing.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 2
    assert "altered" in result.reason


def test_deleted_entry_is_named(db: Session) -> None:
    _three(db)
    db.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    db.expire_all()
    result = sealing.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 2


def test_deleted_last_entry_is_detected_by_the_head(db: Session) -> None:
    _three(db)
    db.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    db.expire_all()
    result = sealing.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 3


def test_unsealing_an_entry_is_detected(db: Session) -> None:
    """Turning a sealed entry back into a pending one (to slip it out of the chain) breaks
    the chain where it stood."""
    _three(db)
    db.execute(
        text(
            "UPDATE audit_entries SET seq = NULL, prev_hash = NULL, entry_hash = NULL WHERE seq = 3"
        )
    )
    db.expire_all()
    result = sealing.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.unsealed == 1


def test_reordered_entries_are_detected(db: Session) -> None:
    _three(db)
    # Swap the contents of entries 1 and 2 but keep their sequence numbers.
    rows = {r.seq: r for r in db.execute(text("SELECT * FROM audit_entries")).mappings()}
    for seq, other in ((1, 2), (2, 1)):
        src = rows[other]
        db.execute(
            text(
                "UPDATE audit_entries SET action=:a, resource_id=:r, summary=:s, "
                "prev_hash=:p, entry_hash=:h WHERE seq=:seq"
            ),
            {
                "a": src["action"],
                "r": src["resource_id"],
                "s": src["summary"],
                "p": src["prev_hash"],
                "h": f"tmp{seq}",
                "seq": seq,
            },
        )
    db.execute(
        text("UPDATE audit_entries SET entry_hash=:h WHERE seq=1"), {"h": rows[2]["entry_hash"]}
    )
    db.execute(
        text("UPDATE audit_entries SET entry_hash=:h WHERE seq=2"), {"h": rows[1]["entry_hash"]}
    )
    db.expire_all()
    result = sealing.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 1


def test_externally_recorded_head_must_stay_in_the_chain(db: Session) -> None:
    _three(db)
    head = sealing.head_hash(db)
    assert sealing.verify(db, expected_head=head).ok
    _record(db, 3)
    sealing.seal(db)
    # Growing the chain keeps the recorded head in it...
    assert sealing.verify(db, expected_head=head).ok
    # ...rewriting the tail from the recorded entry on does not, even when re-chained.
    db.execute(text("DELETE FROM audit_entries WHERE seq >= 3"))
    db.execute(
        text(
            "UPDATE audit_head SET seq = 2, "
            "entry_hash = (SELECT entry_hash FROM audit_entries WHERE seq = 2)"
        )
    )
    _record(db, 99)
    db.expire_all()
    sealing.seal(db)
    assert sealing.verify(db).ok
    assert not sealing.verify(db, expected_head=head).ok


def test_the_database_refuses_to_change_an_entry(db: Session) -> None:
    entry = _record(db, 0)
    statements = [
        "UPDATE audit_entries SET action = 'x'",
        "DELETE FROM audit_entries",
        # The one update allowed is sealing; it may not change the content on the way...
        "UPDATE audit_entries SET seq = 1000, prev_hash = 'p', entry_hash = 'h', action = 'x'",
        # ...nor leave the entry half-sealed.
        "UPDATE audit_entries SET seq = 1000",
    ]
    for statement in statements:
        nested = db.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement + f" WHERE id = {entry.id}"))
        nested.rollback()
    sealing.seal(db)
    # Once sealed, not even the sealer's update is allowed again.
    for statement in (
        "UPDATE audit_entries SET seq = 1000, prev_hash = 'p', entry_hash = 'h'",
        "DELETE FROM audit_entries",
    ):
        nested = db.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement + f" WHERE id = {entry.id}"))
        nested.rollback()


def test_an_entry_rolls_back_with_its_change(db: Session) -> None:
    before = audit.count(db)
    nested = db.begin_nested()
    _record(db, 0)
    nested.rollback()
    assert audit.count(db) == before
    assert sealing.verify(db).ok


def test_listing_shows_pending_entries_first_then_pages_by_seq(db: Session) -> None:
    for n in range(4):
        _record(db, n)
    sealing.seal(db)
    pending = _record(db, 4)
    page = audit.list_entries(db, actor=SYSTEM, limit=3, action_prefix="test.")
    assert [e.action for e in page] == ["test.step4", "test.step3", "test.step2"]
    assert page[0] is pending
    assert page[0].seq is None
    cursor = audit.older_cursor(page, 3)
    assert cursor is not None
    older = audit.list_entries(db, actor=SYSTEM, limit=3, before_seq=cursor, action_prefix="test.")
    assert [e.action for e in older] == ["test.step1", "test.step0"]
    assert audit.older_cursor(older, 3) is None


def test_a_request_declared_as_reading_that_audits_is_caught(app: FastAPI) -> None:
    """An audit entry is an INSERT statement, not a flushed object: the test suite's check of
    declared intent (nohaven.transactions) sees it all the same."""

    def audits(session: DbSession) -> dict[str, str]:
        audit.record(session, actor=SYSTEM, action="test.read", resource_type="thing")
        return {}

    app.add_api_route("/test/audits", audits)
    with TestClient(app) as client, pytest.raises(RuntimeError, match="declared as reading"):
        client.get("/test/audits")
