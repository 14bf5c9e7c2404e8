"""The audit chain: appends in the change's transaction, verification catches tampering."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor

SYSTEM = Actor.system("test")


def _three(db: Session) -> None:
    """Three entries, and the append-only triggers dropped: the tamperer of these tests has
    the database owner's rights, which is what verification is for."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
    else:
        db.execute(text("DROP TRIGGER audit_entries_no_update"))
        db.execute(text("DROP TRIGGER audit_entries_no_delete"))
    for n in range(3):
        audit.record(
            db,
            actor=SYSTEM,
            action=f"test.step{n}",
            resource_type="thing",
            resource_id=str(n),
            summary={"n": n},
        )


def test_entries_link_to_the_previous_one(db: Session) -> None:
    _three(db)
    entries = db.query(AuditEntry).order_by(AuditEntry.seq).all()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS
    assert entries[1].prev_hash == entries[0].entry_hash
    assert audit.verify(db).ok


def test_altered_entry_is_named(db: Session) -> None:
    _three(db)
    db.execute(
        text("UPDATE audit_entries SET summary = :s WHERE seq = 2"), {"s": json.dumps({"n": 99})}
    )
    db.expire_all()
    result = audit.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 2
    assert "altered" in result.reason


def test_deleted_entry_is_named(db: Session) -> None:
    _three(db)
    db.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    db.expire_all()
    result = audit.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 2


def test_deleted_last_entry_is_detected_by_the_head(db: Session) -> None:
    _three(db)
    db.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    db.expire_all()
    result = audit.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 3


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
    result = audit.verify(db)
    assert not result.ok
    assert result.first_bad_seq == 1


def test_externally_recorded_head_detects_a_rewritten_tail(db: Session) -> None:
    _three(db)
    head = audit.head_hash(db)
    assert audit.verify(db, expected_head=head).ok
    audit.record(db, actor=SYSTEM, action="test.more", resource_type="thing")
    assert not audit.verify(db, expected_head=head).ok


def test_the_database_refuses_to_change_an_entry(db: Session) -> None:
    audit.record(db, actor=SYSTEM, action="test.kept", resource_type="thing")
    for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
        nested = db.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement))
        nested.rollback()


def test_an_entry_rolls_back_with_its_change(db: Session) -> None:
    before = audit.count(db)
    nested = db.begin_nested()
    audit.record(db, actor=SYSTEM, action="test.undone", resource_type="thing")
    nested.rollback()
    assert audit.count(db) == before
    assert audit.verify(db).ok
