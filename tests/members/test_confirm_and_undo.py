"""Destructive or final actions ask first (a page, without script) and say what happened;
undo where it exists; the invitation form keeps what was typed when it refuses."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.members.models import Membership, User
from tests.factories import Factory, csrf_from, web_login


def test_deactivating_a_user_asks_first_and_can_be_undone(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation()
    web_login(client, factory.user(org, roles=("org_admin",)))
    colleague = factory.user(org, roles=("analyst",))
    page = client.get("/users")
    assert "data-confirm=" in page.text
    token = csrf_from(page.text)
    url = f"/users/{colleague.id}/active"
    asked = client.post(url, data={"active": "false", "csrf_token": token})
    assert asked.status_code == 200
    assert "Deactivate this user?" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    db.refresh(colleague)
    assert colleague.is_active  # nothing written before the answer
    done = client.post(url, data={"active": "false", "confirmed": "yes", "csrf_token": token})
    assert "Reactivate them from the same row to undo this." in done.text
    db.refresh(colleague)
    assert not colleague.is_active
    undone = client.post(url, data={"active": "true", "csrf_token": token})  # no question
    assert "User reactivated." in undone.text
    db.refresh(colleague)
    assert colleague.is_active


def test_ending_a_seat_asks_first(client: TestClient, db: Session, factory: Factory) -> None:
    body = factory.body("Confirm Body", slug="confirm-body")
    seat = factory.seat(body, factory.organisation("Seated Agency"))
    web_login(client, factory.user(roles=("secretariat_admin",)))
    token = csrf_from(client.get("/bodies/confirm-body").text)
    url = f"/bodies/confirm-body/memberships/{seat.id}/end"
    asked = client.post(url, data={"end_date": "2026-01-31", "csrf_token": token})
    assert asked.status_code == 200
    assert "End this seat on 2026-01-31?" in asked.text
    assert 'name="end_date" value="2026-01-31"' in asked.text  # sent again on yes
    db.refresh(seat)
    assert seat.end_date is None
    done = client.post(
        url, data={"end_date": "2026-01-31", "confirmed": "yes", "csrf_token": token}
    )
    assert "Seat ended." in done.text
    assert db.get(Membership, seat.id) is not None
    db.refresh(seat)
    assert str(seat.end_date) == "2026-01-31"


def test_a_refused_invitation_keeps_what_was_typed(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation()
    web_login(client, factory.user(org, roles=("org_admin",)))
    page = client.get("/users")
    refused = client.post(
        "/users/invite",
        data={
            "email": "not-an-address",
            "organisation_id": org.id,
            "roles": ["delegate", "observer"],
            "csrf_token": csrf_from(page.text),
        },
    )
    assert refused.status_code == 422
    assert "The invitation was not created." in refused.text
    assert 'value="not-an-address"' in refused.text
    assert 'value="delegate" checked' in refused.text
    assert 'value="observer" checked' in refused.text
    assert 'value="analyst" checked' not in refused.text
    assert db.query(User).filter(User.email == "not-an-address").count() == 0
