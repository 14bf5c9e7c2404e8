"""Pages of the directory, organisations, users and invitations, and the audit log."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from nohaven.members.models import MembershipRole
from tests.factories import Factory, csrf_from, web_login


def test_directory_marks_the_chair_with_its_term(client: TestClient, factory: Factory) -> None:
    body = factory.body("Test Alliance", slug="test-alliance")
    chair, member = factory.organisation("Chair Agency"), factory.organisation("Member Agency")
    factory.seat(body, chair, MembershipRole.CHAIR, start=date(2024, 11, 1))
    factory.seat(body, member)
    web_login(client, factory.user(roles=("observer",)))
    page = client.get("/directory").text
    assert 'data-role="chair">Chair Agency</strong> since 2024-11-01' in page
    assert "Member Agency" in page
    body_page = client.get("/bodies/test-alliance").text
    assert "Chairs and their terms" in body_page
    assert client.get("/bodies/nope").status_code == 404


def test_organisation_page_lists_seats(client: TestClient, factory: Factory) -> None:
    body = factory.body("Seated Body")
    org = factory.organisation("Seated Org", country="KE")
    factory.seat(body, org)
    web_login(client, factory.user(roles=("delegate",)))
    page = client.get(f"/organisations/{org.id}").text
    assert "Seated Body" in page
    assert "Kenya" in page


def test_org_admin_invites_and_gets_a_one_time_link(client: TestClient, factory: Factory) -> None:
    org = factory.organisation()
    web_login(client, factory.user(org, roles=("org_admin",)))
    page = client.get("/users")
    response = client.post(
        "/users/invite",
        data={
            "email": "colleague@example.org",
            "organisation_id": org.id,
            "roles": ["analyst"],
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 200
    assert "/invitations/" in response.text
    bad = client.post(
        "/users/invite",
        data={
            "email": "not-an-address",
            "organisation_id": org.id,
            "roles": ["analyst"],
            "csrf_token": csrf_from(page.text),
        },
    )
    assert bad.status_code == 422
    assert "email" in bad.text


def test_analysts_cannot_open_user_administration(client: TestClient, factory: Factory) -> None:
    web_login(client, factory.user(roles=("analyst",)))
    assert client.get("/users").status_code == 403
    assert client.get("/audit").status_code == 403


def test_audit_page_for_the_secretariat_verifies_the_chain(
    client: TestClient, factory: Factory
) -> None:
    web_login(client, factory.user(roles=("secretariat_admin",)))
    page = client.get("/audit?verify=true").text
    assert "The chain verifies" in page
    assert "auth.login" in page
