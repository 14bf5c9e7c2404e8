"""Importing is streamed, all-or-nothing, and reports every rejected record with its reason."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from nohaven.errors import Forbidden
from nohaven.hashes import exchange, feed, importing, service
from nohaven.hashes.models import HashEntry
from tests.hashes.conftest import World, md5_entry, shared_list


def _records(n: int, *, bad_at: tuple[int, ...] = ()) -> Iterator[importing.Record]:
    for i in range(1, n + 1):
        if i in bad_at:
            yield importing.entry_from_fields(i, {"signal_type": "md5", "value": "nope"})
        else:
            yield importing.entry_from_fields(
                i,
                {
                    "signal_type": "md5",
                    "value": f"{i:032x}",
                    "classification_scheme": "vics_us",
                    "classification": 1,
                },
            )


def _count(db: Session, list_id: str) -> int:
    return db.execute(
        select(func.count()).select_from(HashEntry).where(HashEntry.list_id == list_id)
    ).scalar_one()


def test_import_adds_updates_and_revives(
    db: Session, session_factory: sessionmaker[Session], world: World
) -> None:
    hash_list = shared_list(db, world)
    owner = world.owner.actor
    kept = service.add_entry(db, actor=owner, list_id=hash_list.id, data=md5_entry(f"{5:032x}"))
    gone = service.add_entry(db, actor=owner, list_id=hash_list.id, data=md5_entry(f"{7:032x}"))
    service.tombstone_entry(db, actor=owner, entry_id=gone.id, reason="x")
    before = feed.changes(db, actor=owner, list_id=hash_list.id, since=0).checkpoint
    extra = importing.entry_from_fields(9999, {"signal_type": "md5", "value": f"{3:032x}"})
    report = importing.import_records(
        session_factory,
        actor=owner,
        list_id=hash_list.id,
        records=[*_records(2500), extra],
        format_name="test",
    )
    assert report.committed
    assert (report.added, report.updated, report.duplicates) == (2498, 2, 1)
    assert _count(db, hash_list.id) == 2500
    db.refresh(kept)
    db.refresh(gone)
    assert gone.is_live
    assert kept.classification == "1"
    page = feed.changes(db, actor=owner, list_id=hash_list.id, since=before, limit=5000)
    assert len(page.entries) == 2500
    assert page.checkpoint == before + 2500


def test_one_bad_record_rejects_the_whole_file(
    db: Session, session_factory: sessionmaker[Session], world: World
) -> None:
    hash_list = shared_list(db, world)
    report = importing.import_records(
        session_factory,
        actor=world.owner.actor,
        list_id=hash_list.id,
        records=_records(2100, bad_at=(17, 2050)),
        format_name="test",
    )
    assert not report.committed
    assert [n for n, _ in report.rejected] == [17, 2050]
    assert "32 hexadecimal" in report.rejected[0][1]
    assert _count(db, hash_list.id) == 0
    db.refresh(hash_list)
    assert hash_list.change_seq == 0


def test_reject_reasons_from_the_parser_are_kept(
    db: Session, session_factory: sessionmaker[Session], world: World
) -> None:
    hash_list = shared_list(db, world)
    records = [
        importing.Record(1, reject="MD5 missing"),
        importing.entry_from_fields(
            2, {"signal_type": "pdq", "value": secrets.token_hex(32), "pdq_quality": 10}
        ),
        importing.entry_from_fields(3, {"signal_type": "sha512", "value": "00"}),
    ]
    report = importing.import_records(
        session_factory,
        actor=world.owner.actor,
        list_id=hash_list.id,
        records=records,
        format_name="t",
    )
    assert [n for n, _ in report.rejected] == [1, 2, 3]
    assert report.rejected[0][1] == "MD5 missing"
    assert "quality" in report.rejected[1][1]


def test_only_the_owner_imports(
    db: Session, session_factory: sessionmaker[Session], world: World
) -> None:
    hash_list = shared_list(db, world)
    with pytest.raises(Forbidden):
        importing.import_records(
            session_factory,
            actor=world.partner.actor,
            list_id=hash_list.id,
            records=[],
            format_name="t",
        )


def test_an_entry_added_while_the_import_is_prepared_is_updated_not_doubled(
    db: Session, session_factory: sessionmaker[Session], world: World
) -> None:
    hash_list = shared_list(db, world)
    owner = world.owner.actor
    kept = service.add_entry(db, actor=owner, list_id=hash_list.id, data=md5_entry(f"{9:032x}"))
    added_meanwhile: list[str] = []

    def meanwhile(phase: str, _read: int) -> None:
        # Between looking up existing entries and publishing, someone adds one of the hashes.
        if phase == "publishing":
            entry = service.add_entry(
                db, actor=owner, list_id=hash_list.id, data=md5_entry(f"{11:032x}")
            )
            added_meanwhile.append(entry.id)

    report = importing.import_records(
        session_factory,
        actor=owner,
        list_id=hash_list.id,
        records=_records(20),
        format_name="test",
        progress=meanwhile,
    )
    assert report.committed
    assert (report.added, report.updated) == (18, 2)
    assert _count(db, hash_list.id) == 20
    db.expire_all()
    for entry_id in (kept.id, added_meanwhile[0]):
        entry = db.get(HashEntry, entry_id)
        assert entry is not None
        assert entry.classification == "1"  # the file's classification
    page = feed.changes(db, actor=owner, list_id=hash_list.id, since=0, limit=100)
    assert [e.seq for e in page.entries] == list(range(1, 23))[2:]


def test_text_with_a_nul_character_is_a_reject_not_a_database_error(
    db: Session, session_factory: sessionmaker[Session], world: World
) -> None:
    hash_list = shared_list(db, world)
    one, two = f"{1:032x}", f"{2:032x}"
    data = (
        f'{{"value": [{{"MD5": "{one}", "Category": 1, "Comments": "one\\u0000two"}},'
        f' {{"MD5": "{two}", "Category": 1}}]}}'
    ).encode()
    report = exchange.import_file(
        session_factory,
        actor=world.owner.actor,
        list_id=hash_list.id,
        fmt="vics",
        source=io.BytesIO(data),
    )
    assert not report.committed
    assert report.rejected == [(1, "comment: contains a NUL character")]
    assert _count(db, hash_list.id) == 0
