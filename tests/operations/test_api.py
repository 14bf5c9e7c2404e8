"""The operations JSON API: an operation from proposal to draft statement between three
agencies; outsiders answered 404 exactly like a missing operation; bad input answered with
4xx problem+json, never a 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from nohaven.kit.clock import utcnow
from tests.operations.conftest import SUSPECT, SUSPECT_EMAIL, World

BASE = "/api/v1/operations"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_operation_from_proposal_to_draft_statement(world: World, client: TestClient) -> None:
    f = world.factory
    lead, au, us = f.headers(world.lead), f.headers(world.au), f.headers(world.us)
    created = client.post(
        BASE,
        json={
            "body_id": world.body.id,
            "code_name": "Tidewater",
            "title": "Joint action",
            "code_name_visible": True,
        },
        headers=lead,
    )
    assert created.status_code == 201, created.text
    oid = created.json()["id"]
    assert created.json()["tlp"] == "TLP:RED"
    contact = client.put(
        f"{BASE}/{oid}/participants/mine",
        json={"time_zone": "Europe/London", "contact": "Duty desk"},
        headers=lead,
    )
    assert contact.json()["participants"][0]["contact"] == "Duty desk"
    for org in (world.au_org, world.us_org):
        invited = client.post(
            f"{BASE}/{oid}/participants", json={"organisation_id": org.id}, headers=lead
        )
        assert invited.status_code == 201, invited.text
    # An invitee reads the operation to decide, but no point of contact until it joins.
    before = client.get(f"{BASE}/{oid}", headers=au).json()
    assert {p["contact"] for p in before["participants"]} == {None}
    for headers in (au, us):
        assert client.post(
            f"{BASE}/{oid}/answer", json={"accept": True}, headers=headers
        ).is_success
    after = client.get(f"{BASE}/{oid}", headers=au).json()
    assert "Duty desk" in {p["contact"] for p in after["participants"]}
    day = client.post(
        f"{BASE}/{oid}/action-days",
        json={"label": "Day one", "starts_at": (utcnow() + timedelta(days=2)).isoformat()},
        headers=lead,
    )
    assert day.status_code == 201, day.text
    assert client.post(f"{BASE}/{oid}/phase", json={"phase": "active"}, headers=lead).is_success

    sent = client.post(
        f"{BASE}/{oid}/referrals",
        json={
            "receiver_organisation_id": world.au_org.id,
            "subject_name": SUSPECT,
            "selectors": [{"type": "email", "value": SUSPECT_EMAIL}],
            "summary": "Synthetic",
        },
        headers=us,
    )
    assert sent.status_code == 201, sent.text
    rid = sent.json()["id"]
    assert sent.json()["package"] is None
    assert sent.json()["deconfliction_matches"] == 0  # a key is configured: it was checked
    listed = client.get(f"{BASE}/{oid}/referrals", headers=au).json()
    assert [r["id"] for r in listed] == [rid]
    assert listed[0]["package"] is None  # never in a list
    opened = client.get(f"{BASE}/{oid}/referrals/{rid}", headers=au).json()
    assert opened["package"]["subject_name"] == SUSPECT
    _problem(client.get(f"{BASE}/{oid}/referrals/{rid}", headers=lead), 404)
    assert client.get(f"{BASE}/{oid}/referrals", headers=lead).json() == []
    assert client.post(f"{BASE}/{oid}/referrals/{rid}/acknowledge", headers=au).is_success
    _problem(client.post(f"{BASE}/{oid}/referrals/{rid}/acknowledge", headers=au), 409)
    done = client.post(
        f"{BASE}/{oid}/referrals/{rid}/outcome",
        json={"outcome": "arrested", "note": "At home"},
        headers=au,
    )
    assert done.json()["outcome"] == "arrested"

    period = day.json()["id"]
    for headers, arrests in ((au, 2), (us, 1)):
        reported = client.put(
            f"{BASE}/{oid}/results", json={"period": period, "arrests": arrests}, headers=headers
        )
        assert reported.status_code == 200, reported.text
    totals = client.get(f"{BASE}/{oid}/results", headers=lead).json()
    assert totals["totals"]["arrests"] == 3
    assert "arrests" in totals["definitions"]
    assert client.post(f"{BASE}/{oid}/phase", json={"phase": "follow_up"}, headers=lead).is_success
    statement = client.post(f"{BASE}/{oid}/statement", headers=lead)
    assert statement.status_code == 201, statement.text
    assert "- Arrests: 3" in statement.json()["text"]
    assert SUSPECT not in statement.json()["text"]


def test_outsiders_see_the_code_name_or_nothing(world: World, client: TestClient) -> None:
    f = world.factory
    created = client.post(
        BASE,
        json={"body_id": world.body.id, "code_name": "Tidewater", "title": "Hidden title"},
        headers=f.headers(world.lead),
    ).json()
    oid = created["id"]
    bystander = f.headers(world.bystander)
    missing = _problem(
        client.get(f"{BASE}/00000000000000000000000000000000", headers=bystander), 404
    )
    hidden = _problem(client.get(f"{BASE}/{oid}", headers=bystander), 404)
    assert hidden["detail"] == missing["detail"] == "No such operation."
    assert client.get(BASE, headers=bystander).json() == []  # the lead did not allow it
    client.patch(f"{BASE}/{oid}", json={"code_name_visible": True}, headers=f.headers(world.lead))
    assert client.get(BASE, headers=bystander).json() == [
        {
            "id": None,
            "body_id": world.body.id,
            "code_name": "Tidewater",
            "kind": None,
            "title": None,
            "phase": None,
            "starts_on": None,
            "ends_on": None,
            "lead_organisation_id": None,
        }
    ]
    # Another body's agency: nothing at all, even with the code name allowed.
    elsewhere = f.headers(world.elsewhere)
    assert client.get(BASE, headers=elsewhere).json() == []
    _problem(client.get(f"{BASE}/{oid}", headers=elsewhere), 404)
    _problem(client.get(f"{BASE}/{oid}/results", headers=elsewhere), 404)


def test_bad_input_is_a_problem_not_a_500(world: World, client: TestClient) -> None:
    lead = world.factory.headers(world.lead)
    oid = client.post(
        BASE, json={"body_id": world.body.id, "code_name": "X", "title": "T"}, headers=lead
    ).json()["id"]
    cases: list[tuple[str, str, Any, int]] = [
        ("post", BASE, {"body_id": world.body.id, "code_name": "", "title": "T"}, 422),
        ("post", BASE, {"body_id": "nope", "code_name": "X", "title": "T"}, 422),
        ("post", BASE, {"body_id": world.other_body.id, "code_name": "X", "title": "T"}, 403),
        ("post", BASE, {"body_id": world.body.id, "code_name": "X\nY", "title": "T"}, 422),
        ("post", f"{BASE}/{oid}/participants", {"organisation_id": "x" * 33}, 422),
        ("post", f"{BASE}/{oid}/phase", {"phase": "exploded"}, 422),
        (
            "post",
            f"{BASE}/{oid}/action-days",
            {"label": "D", "starts_at": "3001-01-01T00:00Z"},
            422,
        ),
        ("put", f"{BASE}/{oid}/participants/mine", {"time_zone": "Nowhere/Land"}, 422),
        ("put", f"{BASE}/{oid}/results", {"period": "follow_up", "arrests": -1}, 422),
        ("put", f"{BASE}/{oid}/results", {"period": "follow_up", "arrests": 1}, 409),
        ("post", f"{BASE}/{oid}/statement", None, 409),
        ("post", f"{BASE}/{oid}/referrals", {"receiver_organisation_id": "a", "summary": ""}, 422),
    ]
    for method, url, body, status in cases:
        response = getattr(client, method)(url, json=body, headers=lead)
        _problem(response, status)
