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
    assert 'data-role="chair">Chair Agency</strong> since Nov 1, 2024' in page  # Babel's date
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


def test_secretariat_keeps_the_directory_through_the_pages(
    client: TestClient, factory: Factory
) -> None:
    body = factory.body("Kept Body", slug="kept-body")
    web_login(client, factory.user(roles=("secretariat_admin",)))
    page = client.get("/organisations")
    created = client.post(
        "/organisations",
        data={
            "name": "Garda National Protective Services Bureau",
            "kind": "law_enforcement",
            "country": "Ireland",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    org_id = created.headers["location"].rsplit("/", 1)[1]
    bad = client.post(
        "/organisations",
        data={
            "name": "Nowhere Police",
            "kind": "law_enforcement",
            "country": "Atlantis",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert bad.status_code == 422
    assert "ISO 3166" in bad.text

    page = client.get("/bodies/kept-body")
    token = csrf_from(page.text)
    added = client.post(
        "/bodies/kept-body/memberships",
        data={
            "organisation_id": org_id,
            "role": "chair",
            "start_date": "2025-01-01",
            "csrf_token": token,
        },
    )
    assert added.status_code == 200
    assert "Garda National Protective Services Bureau" in added.text
    clash = client.post(
        "/bodies/kept-body/memberships",
        data={
            "organisation_id": factory.organisation("Second Chair").id,
            "role": "chair",
            "start_date": "2025-06-01",
            "csrf_token": token,
        },
    )
    assert clash.status_code == 409
    nonsense = client.post(
        "/bodies/kept-body/memberships",
        data={
            "organisation_id": org_id,
            "role": "emperor",
            "start_date": "soon",
            "csrf_token": token,
        },
    )
    assert nonsense.status_code == 422
    assert body.id  # the body itself is untouched


def test_only_the_secretariat_sees_and_uses_directory_forms(
    client: TestClient, factory: Factory
) -> None:
    factory.body("Read Body", slug="read-body")
    web_login(client, factory.user(roles=("org_admin",)))
    page = client.get("/bodies/read-body")
    assert "Add a seat" not in page.text
    response = client.post(
        "/organisations",
        data={"name": "Sneaky Org", "kind": "ngo", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 403
