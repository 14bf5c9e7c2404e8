"""The travel JSON API: the whole flow between two agencies, a third agency that sees
nothing (404), and bad input on every endpoint answered with 4xx problem+json."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.travel import service
from nohaven.travel.schemas import NotificationCreate
from tests.travel.conftest import LATE_HOURS, PASSPORT, SUBJECT_NAME, World, payload

BASE = "/api/v1/travel"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_flow_between_two_agencies(world: World, client: TestClient) -> None:
    f = world.factory
    sender, receiver = f.headers(world.sender), f.headers(world.receiver)
    created = client.post(
        f"{BASE}/notifications", json=payload(departs_in=timedelta(hours=30)), headers=sender
    )
    assert created.status_code == 201, created.text
    body = created.json()
    nid = body["id"]
    assert body["is_late"] is True
    assert "late" in body["warnings"][0]
    assert body["channel"] == "notice"
    assert body["subject"]["name"] == SUBJECT_NAME
    assert [r["countries"] for r in body["recipients"]] == [["AU"]]

    listed = client.get(f"{BASE}/notifications", headers=receiver).json()
    assert [(n["id"], n["direction"]) for n in listed] == [(nid, "received")]
    assert "subject" not in listed[0]  # no personal data in a list

    seen = client.get(f"{BASE}/notifications/{nid}", headers=receiver).json()
    assert seen["subject"]["passport_number"] == PASSPORT
    assert seen["read_receipts"] is None
    acked = client.post(f"{BASE}/notifications/{nid}/acknowledge", headers=receiver)
    assert acked.status_code == 200
    _problem(client.post(f"{BASE}/notifications/{nid}/acknowledge", headers=receiver), 409)
    answered = client.post(
        f"{BASE}/notifications/{nid}/response",
        json={"response": "monitored", "note": "Watched on arrival"},
        headers=receiver,
    ).json()
    assert answered["recipients"][0]["response"] == "monitored"

    amended = client.post(
        f"{BASE}/notifications/{nid}/amendments",
        json={"reason": "Tier reviewed", "risk_tier": "medium"},
        headers=sender,
    )
    assert amended.status_code == 201, amended.text
    assert amended.json()["version"] == 2
    seen = client.get(f"{BASE}/notifications/{nid}", headers=receiver).json()
    assert seen["amendments"][0]["changes"] == {"risk_tier": ["high", "medium"]}
    assert seen["channel"] == "diffusion"

    complaint = client.post(
        f"{BASE}/notifications/{nid}/complaints",
        json={"source": "subject_representative", "grounds": "Not the same person"},
        headers=receiver,
    )
    assert complaint.status_code == 201, complaint.text
    cid = complaint.json()["id"]
    resolved = client.post(
        f"{BASE}/notifications/{nid}/complaints/{cid}/resolve",
        json={"outcome": "rejected", "reasons": "Passport matches"},
        headers=sender,
    ).json()
    assert resolved["complaints"][0]["status"] == "rejected"

    withdrawn = client.post(
        f"{BASE}/notifications/{nid}/withdraw", json={"reason": "Trip cancelled"}, headers=sender
    ).json()
    assert withdrawn["status"] == "withdrawn"

    receipts = client.get(f"{BASE}/notifications/{nid}/read-receipts", headers=sender).json()
    assert world.receiver.email in {r["reader"] for r in receipts}
    _problem(client.get(f"{BASE}/notifications/{nid}/read-receipts", headers=receiver), 403)


def test_third_agency_gets_404_everywhere(world: World, db: Session, client: TestClient) -> None:
    notification, _ = service.create_notification(
        db,
        actor=world.actor(world.sender),
        data=NotificationCreate.model_validate(payload()),
        late_hours=LATE_HOURS,
    )
    nid = notification.id
    third = world.factory.headers(world.third)
    assert client.get(f"{BASE}/notifications", headers=third).json() == []
    calls = [
        ("get", f"{BASE}/notifications/{nid}", None),
        ("get", f"{BASE}/notifications/{nid}/read-receipts", None),
        ("post", f"{BASE}/notifications/{nid}/acknowledge", None),
        ("post", f"{BASE}/notifications/{nid}/response", {"response": "no_action"}),
        ("post", f"{BASE}/notifications/{nid}/amendments", {"reason": "x y z", "risk_tier": "low"}),
        ("post", f"{BASE}/notifications/{nid}/withdraw", {"reason": "mine now"}),
        (
            "post",
            f"{BASE}/notifications/{nid}/complaints",
            {"source": "receiver", "grounds": "g h i"},
        ),
        (
            "post",
            f"{BASE}/notifications/{nid}/complaints/whatever/resolve",
            {"outcome": "upheld", "reasons": "because"},
        ),
    ]
    for method, url, json in calls:
        response = client.request(method, url, json=json, headers=third)
        body = _problem(response, 404)
        assert SUBJECT_NAME not in response.text
        assert "travel notification" in body["detail"]
    # Unknown and unreadable look the same.
    _problem(client.get(f"{BASE}/notifications/{'0' * 32}", headers=third), 404)


def test_missing_point_of_contact_is_a_clear_error(world: World, client: TestClient) -> None:
    body = _problem(
        client.post(
            f"{BASE}/notifications",
            json=payload(destinations=("AU", "FR")),
            headers=world.factory.headers(world.sender),
        ),
        422,
    )
    assert "FR" in body["detail"]
    assert body["errors"][0]["field"] == "legs.1.destination_country"


def _bad_creates() -> list[dict[str, Any]]:
    good = payload()
    cases: list[dict[str, Any]] = [{}, {"subject": {}}, {**good, "risk_tier": "extreme"}]
    cases.append({**good, "legs": []})
    cases.append({**good, "tlp": "TLP:CLEAR"})
    cases.append({**good, "unexpected": 1})
    cases.append({**good, "subject": {**good["subject"], "passport_number": "!!"}})
    cases.append({**good, "subject": {**good["subject"], "nationality": "Atlantis"}})
    cases.append({**good, "subject": {**good["subject"], "date_of_birth": "1800-01-01"}})
    leg = dict(good["legs"][0])
    cases.append({**good, "legs": [{**leg, "departs_at": "2030-01-01T10:00:00"}]})  # naive
    cases.append({**good, "legs": [{**leg, "leaves_on": "2000-01-01"}]})
    cases.append({**good, "legs": [{**leg, "flight_number": "not a flight"}]})
    cases.append({**good, "legs": [leg] * 7})
    cases.append({**good, "legs": [{**leg, "carrier": "Air\x00"}]})
    return cases


@pytest.mark.parametrize("body", _bad_creates())
def test_bad_create_input(world: World, client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(
        f"{BASE}/notifications", json=body, headers=world.factory.headers(world.sender)
    )
    _problem(response, 422)


def test_bad_input_on_every_endpoint(world: World, db: Session, client: TestClient) -> None:
    notification, _ = service.create_notification(
        db,
        actor=world.actor(world.sender),
        data=NotificationCreate.model_validate(payload()),
        late_hours=LATE_HOURS,
    )
    nid = notification.id
    f = world.factory
    sender, receiver = f.headers(world.sender), f.headers(world.receiver)
    secretariat = f.headers(world.secretariat)
    n = f"{BASE}/notifications/{nid}"
    _problem(client.post(f"{n}/response", json={"response": "maybe"}, headers=receiver), 422)
    _problem(client.post(f"{n}/response", json={"response": "other"}, headers=receiver), 422)
    # Responding before acknowledging is a conflict.
    _problem(client.post(f"{n}/response", json={"response": "monitored"}, headers=receiver), 409)
    _problem(client.post(f"{n}/amendments", json={"risk_tier": "low"}, headers=sender), 422)
    _problem(
        client.post(
            f"{n}/amendments", json={"reason": "same", "risk_tier": "high"}, headers=sender
        ),
        422,
    )
    _problem(
        client.post(
            f"{n}/amendments",
            json={"reason": "legs", "legs": [{}, {}]},
            headers=sender,
        ),
        422,
    )
    _problem(client.post(f"{n}/amendments", json={"reason": "x"}, headers=sender), 422)
    _problem(client.post(f"{n}/withdraw", json={}, headers=sender), 422)
    _problem(client.post(f"{n}/withdraw", json={"reason": "no"}, headers=receiver), 422)
    _problem(client.post(f"{n}/withdraw", json={"reason": "not yours"}, headers=receiver), 403)
    _problem(
        client.post(
            f"{n}/complaints", json={"source": "anyone", "grounds": "abc"}, headers=receiver
        ),
        422,
    )
    _problem(
        client.post(
            f"{n}/complaints", json={"source": "receiver", "grounds": "mine"}, headers=sender
        ),
        403,
    )
    _problem(
        client.post(
            f"{n}/complaints/nope/resolve",
            json={"outcome": "upheld", "reasons": "because"},
            headers=sender,
        ),
        404,
    )
    _problem(
        client.post(f"{n}/complaints/nope/resolve", json={"outcome": "maybe"}, headers=sender),
        422,
    )
    _problem(client.post(f"{n}/acknowledge", headers=sender), 403)
    _problem(client.get(n), 401)
    # Points of contact: only the secretariat, only law enforcement, only real countries.
    pocs = f"{BASE}/points-of-contact"
    assert {p["country"] for p in client.get(pocs, headers=sender).json()} >= {"AU", "GB", "US"}
    target = {"organisation_id": world.third_org.id}
    _problem(client.put(f"{pocs}/KE", json=target, headers=sender), 403)
    _problem(client.put(f"{pocs}/Atlantis", json=target, headers=secretariat), 422)
    _problem(client.put(f"{pocs}/KE", json={}, headers=secretariat), 422)
    _problem(
        client.put(
            f"{pocs}/KE", json={"organisation_id": world.government_org.id}, headers=secretariat
        ),
        422,
    )
    _problem(client.delete(f"{pocs}/FR", headers=secretariat), 404)
    put = client.put(f"{pocs}/KE", json=target, headers=secretariat)
    assert put.status_code == 200, put.text
    assert put.json()["organisation_name"] == world.third_org.name
    assert client.delete(f"{pocs}/KE", headers=secretariat).status_code == 204
    # Bytes a database refuses are refused first, never a 500.
    # NUL in an address is refused before routing, for every route (nohaven.limits).
    _problem(client.get(f"{BASE}/notifications/%00{'a' * 31}", headers=sender), 422)
    _problem(client.put(f"{pocs}/%00", json=target, headers=secretariat), 422)
    _problem(client.put(f"{pocs}/KE", json={"organisation_id": "\x00"}, headers=secretariat), 422)
    _problem(
        client.post(
            f"{n}/complaints/%00/resolve",
            json={"outcome": "upheld", "reasons": "abc"},
            headers=sender,
        ),
        422,
    )
    # A read-only token may read but not send.
    reader = f.headers(world.sender, scopes=("read",))
    _problem(client.post(f"{BASE}/notifications", json=payload(), headers=reader), 403)
