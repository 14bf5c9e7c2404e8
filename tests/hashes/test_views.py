"""The hash-list pages: create and share a list, add entries, vote, feedback, lookup."""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.hashes import service
from nohaven.hashes.views.lookup import parse_lookup
from tests.factories import Factory, csrf_from, web_login
from tests.hashes.conftest import World, md5_entry, pdq_entry, shared_list
from tests.hashes.vicsfiles import vics_set


def _post(client: TestClient, page: str, url: str, data: dict[str, object]) -> object:
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def test_create_list_add_entry_and_share(
    client: TestClient, factory: Factory, world: World
) -> None:
    web_login(client, world.owner.user)
    page = client.get("/hash-lists")
    assert page.status_code == 200
    assert 'href="/hash-lists"' in page.text  # in the main navigation
    token = csrf_from(page.text)
    created = client.post(
        "/hash-lists",
        data={
            "name": "Operation Test list",
            "tlp": "TLP:RED",
            "organisations": [world.partner.org.id],
            "trust_threshold": "2",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert created.status_code == 200
    assert "Operation Test list" in created.text
    assert "TLP:RED" in created.text
    list_url = str(created.url)
    token = csrf_from(created.text)
    value = secrets.token_hex(32)
    added = client.post(
        f"{list_url}/entries",
        data={
            "signal_type": "pdq",
            "value": value,
            "pdq_quality": "88",
            "classification_code": "uk:A",
            "series": "Series Q",
            "csrf_token": token,
        },
    )
    assert added.status_code == 200
    assert "Entry added." in added.text
    assert value[:16] in added.text
    assert "UK (CAID) Category A" in added.text
    refused = client.post(
        f"{list_url}/entries",
        data={"signal_type": "pdq", "value": value[:10], "pdq_quality": "88", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert "64 hexadecimal" in refused.text
    bad_list = client.post(
        "/hash-lists", data={"name": "x", "tlp": "TLP:PINK", "csrf_token": token}
    )
    assert bad_list.status_code == 422


def test_partner_votes_and_gives_feedback_owner_sees_it(
    client: TestClient, db: Session, world: World
) -> None:
    hash_list = shared_list(db, world, threshold=1)
    entry = service.add_entry(
        db,
        actor=world.owner.actor,
        list_id=hash_list.id,
        data=md5_entry(classification_scheme="ncmec", classification="A1"),
    )
    web_login(client, world.partner.user)
    page = client.get(f"/hash-entries/{entry.id}")
    assert "Vote on the classification" in page.text
    assert "INTERPOL/INHOPE" in page.text  # the cross-walk
    assert "Sightings" not in page.text
    token = csrf_from(page.text)
    voted = client.post(
        f"/hash-entries/{entry.id}/vote", data={"verdict": "confirm", "csrf_token": token}
    )
    assert "Vote recorded." in voted.text
    assert "trusted" in voted.text
    sent = client.post(
        f"/hash-entries/{entry.id}/feedback",
        data={"verdict": "true_positive", "comment": "seen in case 12", "csrf_token": token},
    )
    assert "Feedback recorded." in sent.text
    bad = client.post(
        f"/hash-entries/{entry.id}/feedback", data={"verdict": "maybe", "csrf_token": token}
    )
    assert bad.status_code == 422
    client.cookies.clear()
    web_login(client, world.owner.user)
    owner_page = client.get(f"/hash-entries/{entry.id}")
    assert "seen in case 12" in owner_page.text
    assert "true positive" in owner_page.text
    assert "Vote on the classification" not in owner_page.text


def test_third_organisation_gets_not_found(client: TestClient, db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    entry = service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=md5_entry())
    web_login(client, world.third.user)
    assert hash_list.name not in client.get("/hash-lists").text
    assert client.get(f"/hash-lists/{hash_list.id}").status_code == 404
    assert client.get(f"/hash-entries/{entry.id}").status_code == 404


def test_lookup_page_finds_pasted_hashes(client: TestClient, db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    pdq = pdq_entry(series="Series L")
    service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=pdq)
    web_login(client, world.partner.user)
    page = client.get("/hash-lookup")
    token = csrf_from(page.text)
    found = client.post(
        "/hash-lookup",
        data={"hashes": f"{pdq.value}\nmd5:{secrets.token_hex(16)}\n", "csrf_token": token},
    )
    assert found.status_code == 200
    assert "1 of 2 hashes matched" in found.text  # 64 hex tried as PDQ and SHA-256, counted once
    assert "Series L" in found.text
    assert hash_list.name in found.text
    bad = client.post("/hash-lookup", data={"hashes": "zz", "csrf_token": token})
    assert bad.status_code == 422
    sightings = service.list_sightings(db, actor=world.owner.actor, list_id=hash_list.id)
    assert [s.organisation_id for s in sightings] == [world.partner.org.id]
    # The owner reads who matched by name, and which entry by its hash: no e-mail, no id.
    world.partner.user.display_name = "Pat Partner"
    db.flush()
    web_login(client, world.owner.user)
    page = client.get(f"/hash-lists/{hash_list.id}/sightings").text
    assert "Pat Partner" in page
    assert world.partner.user.email not in page
    assert f"<code>{pdq.value[:16]}…</code>" in page
    assert f">{sightings[0].entry_id[:8]}<" not in page


def test_parse_lookup() -> None:
    assert parse_lookup("a" * 32) == [("md5", "a" * 32)]
    assert parse_lookup("sha1: " + "b" * 40) == [("sha1", "b" * 40)]
    assert parse_lookup("c" * 64) == [("pdq", "c" * 64), ("sha256", "c" * 64)]


def test_import_page_reports_success_and_rejects(
    client: TestClient, db: Session, world: World
) -> None:
    hash_list = shared_list(db, world)
    web_login(client, world.owner.user)
    page = client.get(f"/hash-lists/{hash_list.id}")
    assert "Import" in page.text
    token = csrf_from(page.text)
    good = (
        "signal_type,signal_str,collab,category,tags\n"
        f"pdq,{secrets.token_hex(32)},x,uk:B,\n"
        f"video_md5,{secrets.token_hex(16)},x,,\n"
    )
    done = client.post(
        f"/hash-lists/{hash_list.id}/import",
        data={"format": "hma", "csrf_token": token},
        files={"file": ("set.csv", good.encode(), "text/csv")},
    )
    assert done.status_code == 200
    assert "2 records imported" in done.text
    other_list = shared_list(db, world)
    vics = client.post(
        f"/hash-lists/{other_list.id}/import",
        data={"format": "vics", "csrf_token": token},
        files={"file": ("set.json", vics_set(5, seed=15), "application/json")},
    )
    # each VICS record carries MD5, SHA-1 and PDQ: five records are fifteen hashes
    assert "5 records imported into" in vics.text
    assert "as 15 hashes: 15 new" in vics.text
    bad = good + "sha1,zzz,x,,\n"
    refused = client.post(
        f"/hash-lists/{hash_list.id}/import",
        data={"format": "hma", "csrf_token": token},
        files={"file": ("set.csv", bad.encode(), "text/csv")},
    )
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.text
    assert "malformed sha1" in refused.text
    htmx = client.post(
        f"/hash-lists/{hash_list.id}/import",
        data={"format": "hma", "csrf_token": token},
        files={"file": ("set.csv", bad.encode(), "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200  # htmx swaps only successes; the report says it failed
    assert 'id="import-report"' in htmx.text
    assert "<html" not in htmx.text
    exported = client.get(f"/hash-lists/{hash_list.id}/export?format=hma")
    assert exported.status_code == 200
    assert exported.text.count("\n") == 3  # header and the two entries


def test_owner_shares_and_reads_sightings(client: TestClient, db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    web_login(client, world.owner.user)
    page = client.get(f"/hash-lists/{hash_list.id}")
    token = csrf_from(page.text)
    shared = client.post(
        f"/hash-lists/{hash_list.id}/share",
        data={
            "tlp": "TLP:RED",
            "organisations": [world.partner.org.id, world.third.org.id],
            "trust_threshold": "2",
            "csrf_token": token,
        },
    )
    assert shared.status_code == 200
    assert "Label and sharing saved." in shared.text
    assert world.third.org.name in shared.text
    wrong = client.post(
        f"/hash-lists/{hash_list.id}/share",
        data={"tlp": "TLP:PURPLE", "csrf_token": token},
    )
    assert wrong.status_code == 422
    sightings = client.get(f"/hash-lists/{hash_list.id}/sightings")
    assert sightings.status_code == 200
    assert "No sightings yet." in sightings.text
    client.cookies.clear()
    web_login(client, world.partner.user)
    assert client.get(f"/hash-lists/{hash_list.id}/sightings").status_code == 403
    partner_page = client.get(f"/hash-lists/{hash_list.id}")
    assert "Label and sharing" not in partner_page.text
    assert "Add an entry" not in partner_page.text
