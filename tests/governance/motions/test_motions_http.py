"""Motions through the JSON API and the pages."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.kit.clock import utcnow
from tests.factories import csrf_from, web_login
from tests.governance.conftest import Seats, api_headers


def _closes() -> str:
    return (utcnow() + timedelta(days=2)).isoformat()


def test_api_motion_lifecycle(client: TestClient, seats: Seats) -> None:
    f = seats.factory
    chair = api_headers(f, seats.users["chair"])
    a = api_headers(f, seats.users["a"])
    observer = api_headers(f, seats.users["observer"])
    read_only = api_headers(f, seats.users["b"], scopes=("read",))
    outsider = api_headers(f, seats.users["outsider"])
    created = client.post(
        "/api/v1/motions",
        json={"body": seats.body.slug, "title": "Admit X", "closes_at": _closes(), "secret": True},
        headers=chair,
    )
    assert created.status_code == 201, created.text
    motion_id = created.json()["id"]
    cast = client.post(f"/api/v1/motions/{motion_id}/votes", json={"option": "yes"}, headers=a)
    assert cast.status_code == 200
    receipt = cast.json()["receipt"]
    assert receipt
    again = client.post(f"/api/v1/motions/{motion_id}/votes", json={"option": "no"}, headers=a)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    changed = client.post(
        f"/api/v1/motions/{motion_id}/votes",
        json={"option": "no", "receipt": receipt},
        headers=a,
    )
    assert changed.json()["changed"] is True
    assert (
        client.post(
            f"/api/v1/motions/{motion_id}/votes", json={"option": "yes"}, headers=observer
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/motions/{motion_id}/votes", json={"option": "yes"}, headers=read_only
        ).status_code
        == 403
    )
    closed = client.post(f"/api/v1/motions/{motion_id}/close", headers=chair)
    body = closed.json()
    assert body["tally"] == {"yes": 0, "no": 1, "abstain": 0}
    assert body["outcome"] == "no_quorum"  # 1 of 3 voting members took part
    assert client.get(f"/api/v1/motions/{motion_id}", headers=outsider).status_code == 404


def test_api_rejects_bad_input(client: TestClient, seats: Seats) -> None:
    chair = api_headers(seats.factory, seats.users["chair"])
    admin = api_headers(seats.factory, seats.users["admin"])
    naive = client.post(
        "/api/v1/motions",
        json={"body": seats.body.id, "title": "T", "closes_at": "2030-01-01T00:00:00"},
        headers=chair,
    )
    assert naive.status_code == 422
    missing = client.post(
        "/api/v1/motions",
        json={"body": "no-such-body", "title": "T", "closes_at": _closes()},
        headers=chair,
    )
    assert missing.status_code == 404
    settings = client.put(
        f"/api/v1/governance/bodies/{seats.body.slug}/settings",
        json={"quorum_percent": 150},
        headers=admin,
    )
    assert settings.status_code == 422


def test_pages_table_vote_and_close(client: TestClient, seats: Seats, db: Session) -> None:
    web_login(client, seats.users["chair"])
    page = client.get("/motions")
    assert page.status_code == 200
    closes = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    tabled = client.post(
        "/motions",
        data={
            "csrf_token": csrf_from(page.text),
            "body_id": seats.body.id,
            "title": "Meet in Nairobi",
            "closes_at": closes,
        },
        follow_redirects=False,
    )
    assert tabled.status_code == 303
    url = tabled.headers["location"]
    page = client.get(url)
    assert "Cast vote" in page.text
    voted = client.post(
        url + "/vote",
        data={"csrf_token": csrf_from(page.text), "option": "yes"},
        follow_redirects=False,
    )
    # POST/redirect/GET: the page after the vote shows the message once; reloading it does not.
    assert (voted.status_code, voted.headers["location"]) == (303, url)
    assert "Your vote has been recorded." in client.get(url).text
    assert "Your vote has been recorded." not in client.get(url).text
    bad = client.post(url + "/vote", data={"csrf_token": csrf_from(page.text), "option": "perhaps"})
    assert bad.status_code == 422
    no_csrf = client.post(url + "/vote", data={"option": "no"})
    assert no_csrf.status_code == 403
    # Final: without script the server asks first, and nothing is closed until confirmed.
    asked = client.post(url + "/close", data={"csrf_token": csrf_from(page.text)})
    assert asked.status_code == 200
    assert 'name="confirmed" value="yes"' in asked.text
    assert "No quorum" not in client.get(url).text
    yes = {"csrf_token": csrf_from(page.text), "confirmed": "yes"}
    closed = client.post(url + "/close", data=yes)
    assert "No quorum" in closed.text
    assert 'data-option="yes">1<' in closed.text
    late = client.post(url + "/close", data=yes)
    assert late.status_code == 409


def test_page_table_motion_bad_time(client: TestClient, seats: Seats) -> None:
    web_login(client, seats.users["chair"])
    page = client.get("/motions")
    response = client.post(
        "/motions",
        data={
            "csrf_token": csrf_from(page.text),
            "body_id": seats.body.id,
            "title": "X",
            "closes_at": "yesterday",
        },
    )
    assert response.status_code == 422
    assert "not a date" in response.text


def test_secret_vote_page_shows_receipt_once(client: TestClient, seats: Seats, db: Session) -> None:
    from nohaven.governance.motions import service as voting

    motion = voting.create_motion(
        db,
        actor=seats.actor("chair"),
        body_id=seats.body.id,
        title="Secret matter",
        closes_at=utcnow() + timedelta(days=1),
        secret=True,
    )
    web_login(client, seats.users["a"])
    url = f"/motions/{motion.id}"
    page = client.get(url)
    voted = client.post(url + "/vote", data={"csrf_token": csrf_from(page.text), "option": "no"})
    assert "Your ballot receipt" in voted.text
    marker = "<code>"
    receipt = voted.text[voted.text.index(marker) + len(marker) : voted.text.index("</code>")]
    again = client.get(url)
    assert receipt not in again.text
    assert "Ballot receipt (needed to change a secret vote)" in again.text
    assert "Your organisation has voted." in again.text
    wrong = client.post(
        url + "/vote", data={"csrf_token": csrf_from(page.text), "option": "yes", "receipt": "nope"}
    )
    assert wrong.status_code == 403
    changed = client.post(
        url + "/vote",
        data={"csrf_token": csrf_from(page.text), "option": "yes", "receipt": receipt},
    )
    assert "Your vote has been changed." in changed.text
