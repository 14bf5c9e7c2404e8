"""The webhooks API: an organisation admin registers endpoints and reads the delivery log;
nobody else sees them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.webhooks import events
from nohaven.webhooks.models import Endpoint
from tests.factories import Factory

ENDPOINTS = "/api/v1/webhooks/endpoints"


def _admin_headers(factory: Factory, org_name: str = "Agency") -> dict[str, str]:
    org = factory.organisation(org_name, kind="law_enforcement")
    return factory.headers(factory.user(org, roles=("org_admin",)))


def test_an_admin_registers_an_endpoint_and_gets_its_secret_once(
    client: TestClient, db: Session, factory: Factory
) -> None:
    headers = _admin_headers(factory)
    made = client.post(
        ENDPOINTS,
        json={"url": "https://hooks.agency.example/nohaven", "kinds": ["travel.notification"]},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    assert secret.startswith("whsec_")
    # Sealed at rest: the secret is nowhere in the row.
    row = db.execute(select(Endpoint)).scalar_one()
    assert secret not in row.secret_sealed
    assert secret.removeprefix("whsec_") not in row.secret_sealed
    shown = client.get(f"{ENDPOINTS}/{made.json()['id']}", headers=headers).json()
    assert "secret" not in shown
    assert shown["kinds"] == ["travel.notification"]

    rotated = client.post(f"{ENDPOINTS}/{row.id}/rotate-secret", headers=headers)
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in {secret, ""}
    assert rotated.json()["previous_secret_expires_at"] is not None


def test_plain_http_and_unknown_kinds_are_refused_with_a_problem(
    client: TestClient, factory: Factory
) -> None:
    headers = _admin_headers(factory)
    http = client.post(
        ENDPOINTS,
        json={"url": "http://hooks.agency.example/", "kinds": ["deconfliction.hit"]},
        headers=headers,
    )
    assert http.status_code == 422
    assert http.headers["content-type"].startswith("application/problem+json")
    assert "https://" in http.json()["detail"]
    unknown = client.post(
        ENDPOINTS, json={"url": "https://a.example/", "kinds": ["secrets.all"]}, headers=headers
    )
    assert unknown.status_code == 422
    full_not_chosen = client.post(
        ENDPOINTS,
        json={
            "url": "https://a.example/",
            "kinds": ["deconfliction.hit"],
            "full_payload_kinds": ["travel.notification"],
        },
        headers=headers,
    )
    assert full_not_chosen.status_code == 422


def test_another_organisation_and_a_non_admin_see_no_endpoint(
    client: TestClient, factory: Factory
) -> None:
    headers = _admin_headers(factory)
    made = client.post(
        ENDPOINTS,
        json={"url": "https://a.example/", "kinds": ["deconfliction.hit"]},
        headers=headers,
    ).json()
    other = _admin_headers(factory, "Other Agency")
    assert client.get(f"{ENDPOINTS}/{made['id']}", headers=other).status_code == 404
    assert client.get(f"{ENDPOINTS}/{made['id']}/deliveries", headers=other).status_code == 404
    assert client.delete(f"{ENDPOINTS}/{made['id']}", headers=other).status_code == 404
    assert client.get(ENDPOINTS, headers=other).json() == []
    analyst = factory.headers(factory.user(factory.organisation(), roles=("analyst",)))
    assert client.get(ENDPOINTS, headers=analyst).status_code == 403


def test_the_delivery_log_lists_what_was_queued_and_a_failed_one_can_be_sent_again(
    client: TestClient, db: Session, factory: Factory
) -> None:
    headers = _admin_headers(factory)
    made = client.post(
        ENDPOINTS,
        json={"url": "https://a.example/", "kinds": ["deconfliction.hit"]},
        headers=headers,
    ).json()
    [queued] = events.publish(
        db,
        organisation_id=made["organisation_id"],
        kind="deconfliction.hit",
        data={"path": "/deconfliction"},
    )
    log = client.get(f"{ENDPOINTS}/{made['id']}/deliveries", headers=headers).json()
    assert [(d["id"], d["status"], d["attempts"]) for d in log] == [(queued.id, "pending", 0)]
    again = client.post(
        f"{ENDPOINTS}/{made['id']}/deliveries/{queued.id}/redeliver", headers=headers
    )
    assert again.status_code == 409  # only a failed delivery is sent again
    queued.status = "failed"
    db.flush()
    again = client.post(
        f"{ENDPOINTS}/{made['id']}/deliveries/{queued.id}/redeliver", headers=headers
    )
    assert again.status_code == 202
    assert again.json()["status"] == "pending"
