"""The webhooks pages: register an endpoint, see its secret once, its deliveries after."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.webhooks import events
from nohaven.webhooks.models import Endpoint
from tests.factories import Factory, csrf_from, web_login


def test_an_admin_registers_an_endpoint_through_the_page(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation("Agency", kind="government")
    web_login(client, factory.user(org, roles=("org_admin",)))
    page = client.get("/webhooks")
    assert page.status_code == 200
    token = csrf_from(page.text)

    refused = client.post(
        "/webhooks",
        data={"csrf_token": token, "url": "http://hooks.example/", "kinds": ["deconfliction.hit"]},
    )
    assert refused.status_code == 422
    assert "https://" in refused.text

    made = client.post(
        "/webhooks",
        data={
            "csrf_token": token,
            "url": "https://hooks.example/in",
            "description": "Our case system",
            "kinds": ["travel.notification", "deconfliction.hit"],
        },
    )
    assert made.status_code == 200
    assert "never shown again" in made.text
    endpoint = db.query(Endpoint).one()
    assert endpoint.kinds == ["deconfliction.hit", "travel.notification"]

    events.publish(db, organisation_id=org.id, kind="travel.notification", data={"path": "/travel"})
    shown = client.get(f"/webhooks/{endpoint.id}")
    assert "Travel notification received" in shown.text
    assert "whsec_" not in shown.text  # the secret was shown once, on the answer only

    paused = client.post(f"/webhooks/{endpoint.id}/pause", data={"csrf_token": token})
    assert paused.status_code == 200
    assert "Endpoint paused" in paused.text
    assert "Resume" in paused.text


def test_a_member_who_is_not_an_admin_cannot_open_the_page(
    client: TestClient, factory: Factory
) -> None:
    web_login(client, factory.user(factory.organisation(), roles=("analyst",)))
    assert client.get("/webhooks").status_code == 403


def test_the_menu_links_to_webhooks_for_admins_only(client: TestClient, factory: Factory) -> None:
    org = factory.organisation("Agency", kind="government")
    web_login(client, factory.user(org, roles=("analyst",)))
    assert 'href="/webhooks"' not in client.get("/inbox").text
    client.cookies.clear()
    web_login(client, factory.user(org, roles=("org_admin",)))
    assert 'href="/webhooks"' in client.get("/inbox").text
