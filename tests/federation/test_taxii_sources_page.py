"""The TAXII sources page: a list's owner adds, edits, pauses and resumes a source (each
audited; a paused source is not pulled); bad input is a form error; a source of a list the
actor may not change does not exist for them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.federation import repository as repo
from nohaven.federation.models import TaxiiSource
from tests.factories import Factory, csrf_from, web_login
from tests.hashes.conftest import World, party, shared_list

URL = "https://taxii.example/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/"


@pytest.fixture
def parties(factory: Factory) -> World:
    """An owner, a partner its lists are shared with, a third (not the federation world)."""
    return World(party(factory, "Owner"), party(factory, "Partner"), party(factory, "Third"))


def _actions(db: Session, list_id: str) -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.resource_id == list_id)
    return list(db.execute(query.order_by(AuditEntry.id)).scalars())


def test_an_owner_adds_edits_and_pauses_a_source(
    client: TestClient, db: Session, parties: World
) -> None:
    world = parties
    hash_list = shared_list(db, world)
    web_login(client, world.owner.user)
    page = client.get(f"/taxii-sources?list={hash_list.id}")
    assert page.status_code == 200
    token = csrf_from(page.text)

    bad = client.post(
        "/taxii-sources",
        data={"list_id": hash_list.id, "url": "ftp://nowhere", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert "http(s) URL" in bad.text
    assert db.execute(select(TaxiiSource)).first() is None

    added = client.post(
        "/taxii-sources",
        data={
            "list_id": hash_list.id,
            "url": URL,
            "username": "partner",
            "password": "s3cret-pass",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert added.status_code == 200
    assert URL in added.text
    assert "s3cret-pass" not in added.text
    source = db.execute(select(TaxiiSource)).scalar_one()
    assert source.password_sealed
    assert "s3cret" not in source.password_sealed

    sealed = source.password_sealed
    client.post(
        f"/taxii-sources/{source.id}",
        data={"url": URL, "username": "other", "password": "", "csrf_token": token},
        follow_redirects=True,
    )
    db.refresh(source)
    assert source.username == "other"
    assert source.password_sealed == sealed  # an empty password keeps the stored one

    paused = client.post(
        f"/taxii-sources/{source.id}/pause",
        data={"paused": "true", "csrf_token": token},
        follow_redirects=True,
    )
    assert "paused" in paused.text
    db.refresh(source)
    assert source.paused_at is not None
    assert source not in repo.taxii_sources(db)  # the pull job passes it by
    client.post(
        f"/taxii-sources/{source.id}/pause",
        data={"paused": "false", "csrf_token": token},
        follow_redirects=True,
    )
    db.refresh(source)
    assert source.paused_at is None
    assert source in repo.taxii_sources(db)
    assert [a for a in _actions(db, hash_list.id) if "taxii" in a] == [
        "hashes.taxii_source_add",
        "hashes.taxii_source_update",
        "hashes.taxii_source_pause",
        "hashes.taxii_source_resume",
    ]


def test_a_source_of_someone_elses_list_is_not_there(
    client: TestClient, db: Session, parties: World
) -> None:
    world = parties
    hash_list = shared_list(db, world)
    source = TaxiiSource(list_id=hash_list.id, collection_url=URL)
    db.add(source)
    db.flush()
    web_login(client, world.partner.user)  # sees the list, may not change it
    page = client.get("/taxii-sources")
    assert page.status_code == 200
    assert URL not in page.text
    token = csrf_from(page.text)
    for path, data in (
        (f"/taxii-sources/{source.id}", {"url": "https://elsewhere.example/"}),
        (f"/taxii-sources/{source.id}/pause", {"paused": "true"}),
    ):
        answer = client.post(path, data={**data, "csrf_token": token})
        assert answer.status_code == 404
    refused = client.post(
        "/taxii-sources", data={"list_id": hash_list.id, "url": URL, "csrf_token": token}
    )
    assert refused.status_code == 403
    db.refresh(source)
    assert source.collection_url == URL
    assert source.paused_at is None
