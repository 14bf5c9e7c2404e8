"""A list's entries as a table: pages, sorts, filters by type and state (removed entries
only for the owner), refuses a made-up query with 400; the export's file name says what
it holds."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.hashes import service
from nohaven.kit.clock import utcnow
from tests.factories import web_login
from tests.hashes.conftest import World, md5_entry, pdq_entry, shared_list


def _hashes(page: str) -> list[str]:
    return re.findall(r"<code>([0-9a-f]{16})…</code>", page)


def test_entries_page_sort_and_filter(client: TestClient, db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    md5s = [f"{n:x}" * 32 for n in range(5)]
    added = [
        service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=md5_entry(v))
        for v in md5s
    ]
    service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=pdq_entry())
    url = f"/hash-lists/{hash_list.id}"
    web_login(client, world.owner.user)

    first = client.get(f"{url}?type=md5&per_page=2")
    assert first.status_code == 200
    assert _hashes(first.text) == [md5s[4][:16], md5s[3][:16]]  # newest first
    assert 'aria-sort="descending"' in first.text
    last = client.get(f"{url}?type=md5&per_page=2&page=3")
    assert _hashes(last.text) == [md5s[0][:16]]
    by_hash = client.get(f"{url}?type=md5&sort=hash&desc=0&per_page=25")
    assert _hashes(by_hash.text) == [v[:16] for v in md5s]
    assert len(_hashes(client.get(url).text)) == 6
    assert len(_hashes(client.get(f"{url}?type=pdq").text)) == 1

    service.tombstone_entry(db, actor=world.owner.actor, entry_id=added[0].id, reason="test")
    assert len(_hashes(client.get(f"{url}?state=removed").text)) == 1
    assert len(_hashes(client.get(f"{url}?state=live").text)) == 5

    for bad in ("sort=value", "type=sha512", "state=gone", "per_page=201", "page=-3"):
        assert client.get(f"{url}?{bad}").status_code == 400, bad

    web_login(client, world.partner.user)  # may read the list, not its removed entries
    assert len(_hashes(client.get(f"{url}?state=removed").text)) == 5


def test_export_file_is_named_after_the_list(client: TestClient, db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    hash_list.name = "NCA known set"
    db.flush()
    web_login(client, world.owner.user)
    exported = client.get(f"/hash-lists/{hash_list.id}/export?format=hma")
    assert exported.status_code == 200
    disposition = exported.headers["content-disposition"]
    assert f'filename="nca-known-set-hma-{utcnow().date().isoformat()}.csv"' in disposition
    assert hash_list.id not in disposition
