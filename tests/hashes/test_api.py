"""The hashes API: lists, entries, feeds and matching, over HTTP with API tokens."""

from __future__ import annotations

import random
import secrets
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.hashes.models import Sighting
from tests.factories import Factory
from tests.hashes.conftest import World, api_headers


def _flip(hex_hash: str, bits: int, rng: random.Random) -> str:
    value = int(hex_hash, 16)
    for b in rng.sample(range(256), bits):
        value ^= 1 << b
    return f"{value:064x}"


def _headers(factory: Factory, world: World) -> dict[str, dict[str, str]]:
    return {
        "owner": api_headers(factory, world.owner.user),
        "partner": api_headers(factory, world.partner.user),
        "third": api_headers(factory, world.third.user),
    }


def _create_list(client: TestClient, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/lists", json={"name": f"L {secrets.token_hex(3)}", **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_lists_entries_and_feed_over_http(
    client: TestClient, factory: Factory, world: World
) -> None:
    h = _headers(factory, world)
    hl = _create_list(
        client, h["owner"], tlp="TLP:AMBER", audience_organisation_ids=[world.partner.org.id]
    )
    entry = client.post(
        f"/api/v1/lists/{hl['id']}/entries",
        json={
            "signal_type": "md5",
            "value": "D41D8CD98F00B204E9800998ECF8427E",
            "classification_scheme": "ncmec",
            "classification": "B2",
        },
        headers=h["owner"],
    )
    assert entry.status_code == 201, entry.text
    body = entry.json()
    assert body["value"] == "d41d8cd98f00b204e9800998ecf8427e"
    assert {c["scheme"]: c["codes"] for c in body["crosswalk"]}["interpol"] == ["national"]
    bad = client.post(
        f"/api/v1/lists/{hl['id']}/entries",
        json={"signal_type": "pdq", "value": "ab" * 32, "pdq_quality": 20},
        headers=h["owner"],
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/lists", headers=h["partner"]).json()[0]["id"] == hl["id"]
    assert client.get("/api/v1/lists", headers=h["third"]).json() == []
    assert client.get(f"/api/v1/lists/{hl['id']}", headers=h["third"]).status_code == 404
    assert (
        client.post(
            f"/api/v1/lists/{hl['id']}/entries",
            json={"signal_type": "md5", "value": "0" * 32},
            headers=h["partner"],
        ).status_code
        == 403
    )
    gone = client.post(
        f"/api/v1/hash-entries/{body['id']}/tombstone", json={"reason": "x"}, headers=h["owner"]
    )
    assert gone.status_code == 200
    feed = client.get(f"/api/v1/lists/{hl['id']}/changes?since=0", headers=h["partner"]).json()
    assert [c["change"] for c in feed["changes"]] == ["tombstoned"]
    assert feed["checkpoint"] == feed["changes"][-1]["seq"]
    again = client.get(
        f"/api/v1/lists/{hl['id']}/changes?since={feed['checkpoint']}", headers=h["partner"]
    ).json()
    assert again["changes"] == []
    assert (
        client.get(f"/api/v1/lists/{hl['id']}/changes?since=0", headers=h["third"]).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/lists/{hl['id']}/changes?since=-1", headers=h["owner"]).status_code
        == 422
    )


def test_match_returns_metadata_only_from_visible_lists_and_records_sightings(
    client: TestClient, db: Session, factory: Factory, world: World
) -> None:
    h = _headers(factory, world)
    shared = _create_list(
        client, h["owner"], tlp="TLP:RED", audience_organisation_ids=[world.partner.org.id]
    )
    private = _create_list(client, h["owner"], tlp="TLP:AMBER+STRICT")
    pdq = secrets.token_hex(32)
    sha = secrets.token_hex(32)
    for hl in (shared, private):
        for payload in (
            {"signal_type": "pdq", "value": pdq, "pdq_quality": 90, "series": "S"},
            {
                "signal_type": "sha256",
                "value": sha,
                "classification_scheme": "uk",
                "classification": "A",
            },
        ):
            r = client.post(f"/api/v1/lists/{hl['id']}/entries", json=payload, headers=h["owner"])
            assert r.status_code == 201, r.text
    rng = random.Random(7)
    queries = [
        {"signal_type": "pdq", "value": _flip(pdq, 31, rng)},
        {"signal_type": "pdq", "value": _flip(pdq, 32, rng)},
        {"signal_type": "sha256", "value": sha.upper()},
        {"signal_type": "md5", "value": secrets.token_hex(16)},
    ]
    response = client.post("/api/v1/match", json={"queries": queries}, headers=h["partner"])
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [len(r["matches"]) for r in results] == [1, 0, 1, 0]
    hit = results[0]["matches"][0]
    assert hit["distance"] == 31
    assert hit["list"]["id"] == shared["id"]
    assert hit["list"]["owner_organisation_name"] == world.owner.org.name
    assert hit["entry"]["series"] == "S"
    assert results[2]["matches"][0]["entry"]["classification"] == "A"
    # the owner sees both lists; the third organisation nothing at all
    owner = client.post("/api/v1/match", json={"queries": queries}, headers=h["owner"]).json()
    assert [len(r["matches"]) for r in owner["results"]] == [2, 0, 2, 0]
    third = client.post("/api/v1/match", json={"queries": queries}, headers=h["third"]).json()
    assert [len(r["matches"]) for r in third["results"]] == [0, 0, 0, 0]
    # a wider threshold per request, within the server's maximum
    wide = client.post(
        "/api/v1/match", json={"queries": queries, "pdq_threshold": 40}, headers=h["partner"]
    ).json()
    assert [len(r["matches"]) for r in wide["results"]] == [1, 1, 1, 0]
    too_wide = client.post(
        "/api/v1/match", json={"queries": queries, "pdq_threshold": 53}, headers=h["partner"]
    )
    assert too_wide.status_code == 422
    assert too_wide.headers["content-type"].startswith("application/problem+json")
    invalid = client.post(
        "/api/v1/match",
        json={"queries": [{"signal_type": "md5", "value": "xyz"}]},
        headers=h["partner"],
    )
    assert invalid.status_code == 422
    sightings = db.execute(select(Sighting).where(Sighting.list_id == shared["id"])).scalars()
    by_org = sorted(s.organisation_id or "" for s in sightings)
    # on the shared list: partner 2 (default threshold) + 3 (wide); owner 2
    assert by_org.count(world.partner.org.id) == 5
    assert by_org.count(world.owner.org.id) == 2
    seen = client.get(f"/api/v1/lists/{shared['id']}/sightings", headers=h["owner"])
    assert len(seen.json()) == 7
    assert (
        client.get(f"/api/v1/lists/{shared['id']}/sightings", headers=h["partner"]).status_code
        == 403
    )


def test_index_follows_additions_and_tombstones_without_rebuild(
    client: TestClient, factory: Factory, world: World
) -> None:
    h = _headers(factory, world)
    hl = _create_list(client, h["owner"])
    pdq = secrets.token_hex(32)
    query = {"queries": [{"signal_type": "pdq", "value": pdq}]}
    assert (
        client.post("/api/v1/match", json=query, headers=h["owner"]).json()["results"][0]["matches"]
        == []
    )
    index = client.app.state.hash_index  # type: ignore[attr-defined]
    before = index.applied_changes
    entry = client.post(
        f"/api/v1/lists/{hl['id']}/entries",
        json={"signal_type": "pdq", "value": pdq, "pdq_quality": 80},
        headers=h["owner"],
    ).json()
    found = client.post("/api/v1/match", json=query, headers=h["owner"]).json()
    assert [m["entry"]["id"] for m in found["results"][0]["matches"]] == [entry["id"]]
    assert index.applied_changes == before + 1  # only the delta was read
    client.post(f"/api/v1/hash-entries/{entry['id']}/tombstone", json={}, headers=h["owner"])
    after = client.post("/api/v1/match", json=query, headers=h["owner"]).json()
    assert after["results"][0]["matches"] == []
    assert len(index) == 0


def test_batch_limit(client: TestClient, factory: Factory, world: World) -> None:
    h = _headers(factory, world)
    queries = [{"signal_type": "md5", "value": "0" * 32}] * 10_001
    response = client.post("/api/v1/match", json={"queries": queries}, headers=h["owner"])
    assert response.status_code == 422


def test_pdq_results_equal_brute_force(client: TestClient, factory: Factory, world: World) -> None:
    """Planted near-duplicates at distances 0-40: the service returns exactly what a brute-force
    comparison of every query with every listed hash returns."""
    h = _headers(factory, world)
    hl = _create_list(client, h["owner"])
    rng = random.Random(3)
    listed = [f"{rng.getrandbits(256):064x}" for _ in range(60)]
    for value in listed:
        r = client.post(
            f"/api/v1/lists/{hl['id']}/entries",
            json={"signal_type": "pdq", "value": value, "pdq_quality": 100},
            headers=h["owner"],
        )
        assert r.status_code == 201
    queries = [_flip(listed[i % 60], i % 41, rng) for i in range(120)]
    got = client.post(
        "/api/v1/match",
        json={"queries": [{"signal_type": "pdq", "value": q} for q in queries]},
        headers=h["owner"],
    ).json()["results"]
    bits = np.array([list(bytes.fromhex(v)) for v in listed], dtype=np.uint8)
    for q, result in zip(queries, got, strict=True):
        distances = np.unpackbits(bits ^ np.frombuffer(bytes.fromhex(q), np.uint8), axis=1).sum(1)
        expected = sorted((int(d), listed[i]) for i, d in enumerate(distances) if d <= 31)
        assert sorted((m["distance"], m["entry"]["value"]) for m in result["matches"]) == expected


def test_votes_feedback_and_entry_detail_over_http(
    client: TestClient, factory: Factory, world: World
) -> None:
    h = _headers(factory, world)
    hl = _create_list(
        client,
        h["owner"],
        tlp="TLP:AMBER",
        audience_organisation_ids=[world.partner.org.id],
        trust_threshold=1,
    )
    entry = client.post(
        f"/api/v1/lists/{hl['id']}/entries",
        json={
            "signal_type": "sha1",
            "value": secrets.token_hex(20),
            "classification_scheme": "interpol",
            "classification": "baseline",
        },
        headers=h["owner"],
    ).json()
    url = f"/api/v1/hash-entries/{entry['id']}"
    assert (
        client.post(f"{url}/votes", json={"verdict": "confirm"}, headers=h["owner"]).status_code
        == 403
    )
    assert (
        client.post(f"{url}/votes", json={"verdict": "confirm"}, headers=h["third"]).status_code
        == 404
    )
    voted = client.post(f"{url}/votes", json={"verdict": "confirm"}, headers=h["partner"])
    assert voted.status_code == 200
    assert (
        client.post(f"{url}/votes", json={"verdict": "maybe"}, headers=h["partner"]).status_code
        == 422
    )
    sent = client.post(f"{url}/feedback", json={"verdict": "false_positive"}, headers=h["partner"])
    assert sent.status_code == 200
    owner_view = client.get(url, headers=h["owner"]).json()
    assert owner_view["entry"]["trusted"] is True
    assert [f["verdict"] for f in owner_view["feedback"]] == ["false_positive"]
    assert owner_view["sightings"] == []
    partner_view = client.get(url, headers=h["partner"]).json()
    assert partner_view["sightings"] is None
    changed = client.patch(url, json={"series": "Renamed"}, headers=h["owner"])
    assert changed.json()["series"] == "Renamed"
    assert client.patch(url, json={"series": "X"}, headers=h["partner"]).status_code == 403
    shared = client.patch(
        f"/api/v1/lists/{hl['id']}",
        json={"audience_organisation_ids": [world.partner.org.id, world.third.org.id]},
        headers=h["owner"],
    )
    assert shared.status_code == 200
    assert client.get(url, headers=h["third"]).status_code == 200
