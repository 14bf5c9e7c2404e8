"""The matching index follows the database by deltas, with the fast and the reference backend
giving the same answers."""

from __future__ import annotations

import random

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from nohaven.hashes import matching, service
from nohaven.hashes.index import BruteForcePdqIndex, PdqIndex
from nohaven.hashes.models import HashEntry, HashList
from tests.hashes.conftest import World, pdq_entry, shared_list


@pytest.mark.parametrize("backend_class", [PdqIndex, BruteForcePdqIndex])
def test_index_applies_only_deltas(db: Session, world: World, backend_class: type) -> None:
    rng = random.Random(11)
    hash_list = shared_list(db, world)
    values = [f"{rng.getrandbits(256):064x}" for _ in range(30)]
    entries = [
        service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=pdq_entry(v))
        for v in values
    ]
    index = matching.HashIndex(backend_class)
    assert index.refresh(db) == 30
    assert len(index) == 30
    assert index.refresh(db) == 0  # nothing changed, nothing read
    service.tombstone_entry(db, actor=world.owner.actor, entry_id=entries[0].id, reason="x")
    service.add_entry(
        db, actor=world.owner.actor, list_id=hash_list.id, data=pdq_entry(values[0][::-1])
    )
    assert index.refresh(db) == 2
    assert len(index) == 30
    found = index.search_pdq(db, [values[0], values[1]], 0)
    assert found == [[], [(entries[1].id, 0)]]


def test_index_is_built_from_the_database_at_start(app: FastAPI, db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    for _ in range(5):
        service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=pdq_entry())
    db.flush()
    with TestClient(app):
        index = app.state.hash_index
        assert len(index) == 5
        assert index.applied_changes == 5


def test_search_looks_at_the_lists_after_a_local_change_or_when_stale(
    db: Session, world: World
) -> None:
    """A change made through this process is matched at once; one this process did not make
    (another server: simulated by an update that bypasses take_seqs) after max_staleness."""
    hash_list = shared_list(db, world)
    first = service.add_entry(
        db, actor=world.owner.actor, list_id=hash_list.id, data=pdq_entry("1" * 64)
    )
    index = matching.HashIndex(max_staleness=3600)
    assert index.search_pdq(db, ["1" * 64], 0) == [[(first.id, 0)]]
    looked = index.applied_changes
    assert index.search_pdq(db, ["1" * 64], 0) == [[(first.id, 0)]]
    assert index.applied_changes == looked  # nothing changed: nothing read
    second = service.add_entry(
        db, actor=world.owner.actor, list_id=hash_list.id, data=pdq_entry("2" * 64)
    )
    assert index.search_pdq(db, ["2" * 64], 0) == [[(second.id, 0)]]  # local: at once
    # another process's change: the list's change number moves without this process knowing
    db.execute(update(HashEntry).where(HashEntry.id == second.id).values(value="3" * 64, seq=99))
    db.execute(update(HashList).where(HashList.id == hash_list.id).values(change_seq=99))
    assert index.search_pdq(db, ["3" * 64], 0) == [[]]  # not looked at yet: stale
    fresh = matching.HashIndex(max_staleness=0)
    assert fresh.search_pdq(db, ["3" * 64], 0) == [[(second.id, 0)]]
    index._max_staleness = 0
    assert index.search_pdq(db, ["3" * 64], 0) == [[(second.id, 0)]]


def test_changes_read_outside_the_lock_are_not_applied_over_newer_ones(
    db: Session, world: World
) -> None:
    """Another process's changes are read without the index's lock; if another search applied
    that list's changes meanwhile, the older read is dropped instead of undoing them."""
    hash_list = shared_list(db, world)
    entry = service.add_entry(
        db, actor=world.owner.actor, list_id=hash_list.id, data=pdq_entry("4" * 64)
    )
    index = matching.HashIndex(max_staleness=0)
    stale = index._read(db, {})  # the entry, live
    service.tombstone_entry(db, actor=world.owner.actor, entry_id=entry.id, reason="x")
    assert index.refresh(db) == 1  # its latest state: tombstoned
    assert index._apply(stale) == 0
    assert index.search_pdq(db, ["4" * 64], 0) == [[]]
