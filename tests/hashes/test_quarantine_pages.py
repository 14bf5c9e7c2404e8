"""The owner's review of a flood quarantine on a page: released or confirmed and removed,
each audited; someone else's review is refused; a wrong outcome is a form error."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.hashes import service
from nohaven.hashes.models import EntryQuarantine, HashEntry, HashList
from tests.factories import csrf_from, web_login
from tests.hashes.conftest import World, md5_entry, shared_list


def _held(db: Session, world: World) -> tuple[HashList, EntryQuarantine]:
    hash_list = shared_list(db, world)
    entry = service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=md5_entry())
    held = EntryQuarantine(
        entry_id=entry.id,
        list_id=hash_list.id,
        recent_matches=80,
        usual_matches=1,
        reason="80 matches in 1:00:00 against about 1.0 usually: held for the owner's review",
    )
    db.add(held)
    db.flush()
    return hash_list, held


def _audited(db: Session, action: str, list_id: str) -> int:
    query = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.resource_id == list_id)
    return len(db.execute(query).scalars().all())


def test_the_owner_releases_or_removes_a_held_entry(
    client: TestClient, db: Session, world: World
) -> None:
    hash_list, held = _held(db, world)
    _, other = _held(db, world)
    other.list_id = hash_list.id
    other_entry = db.get(HashEntry, other.entry_id)
    assert other_entry is not None
    web_login(client, world.owner.user)
    entry_page = client.get(f"/hash-entries/{held.entry_id}")  # where the notice points
    assert "Held in flood quarantine" in entry_page.text
    assert f"/hash-lists/{hash_list.id}/quarantine" in entry_page.text
    page = client.get(f"/hash-lists/{hash_list.id}")
    assert f"/hash-lists/{hash_list.id}/quarantine" in page.text
    page = client.get(f"/hash-lists/{hash_list.id}/quarantine")
    assert page.status_code == 200
    assert "80 matches" in page.text
    token = csrf_from(page.text)

    wrong = client.post(
        f"/hash-quarantines/{held.id}/review", data={"outcome": "ignore", "csrf_token": token}
    )
    assert wrong.status_code == 422
    assert "release or tombstone" in wrong.text
    db.refresh(held)
    assert held.released_at is None

    done = client.post(
        f"/hash-quarantines/{held.id}/review",
        data={"outcome": "release", "csrf_token": token},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "Entry released" in done.text
    db.refresh(held)
    assert held.outcome == "released"
    assert _audited(db, "hashes.quarantine_review", hash_list.id) == 1

    client.post(
        f"/hash-quarantines/{other.id}/review",
        data={"outcome": "tombstone", "csrf_token": token},
        follow_redirects=True,
    )
    db.refresh(other)
    db.refresh(other_entry)
    assert other.outcome == "tombstoned"
    assert other_entry.tombstoned_at is not None
    assert _audited(db, "hashes.quarantine_review", hash_list.id) == 2

    again = client.post(
        f"/hash-quarantines/{other.id}/review", data={"outcome": "release", "csrf_token": token}
    )
    assert again.status_code == 409  # reviewed already: said so on the page


def test_only_the_owner_reviews(client: TestClient, db: Session, world: World) -> None:
    hash_list, held = _held(db, world)
    web_login(client, world.partner.user)  # sees the list, does not own it
    assert "flood quarantine" not in client.get(f"/hash-entries/{held.entry_id}").text
    page = client.get(f"/hash-lists/{hash_list.id}/quarantine")
    assert page.status_code == 403
    token = csrf_from(client.get("/hash-lists").text)
    refused = client.post(
        f"/hash-quarantines/{held.id}/review", data={"outcome": "release", "csrf_token": token}
    )
    assert refused.status_code == 404  # as if there were no such quarantine
    client.cookies.clear()
    web_login(client, world.third.user)  # does not see the list at all
    assert client.get(f"/hash-lists/{hash_list.id}/quarantine").status_code == 404
    db.refresh(held)
    assert held.released_at is None
