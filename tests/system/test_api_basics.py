"""The API's contract: health without authentication, problem+json errors, token scopes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from nohaven.members.models import OrganisationKind
from tests.factories import Factory

PROBLEM = "application/problem+json"


def test_health_needs_no_account(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert response.headers["x-request-id"]


def test_openapi_docs_are_served(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/health" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_missing_token_is_a_401_problem(client: TestClient) -> None:
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 401
    assert body["title"] == "Authentication required"
    assert body["request_id"] == response.headers["x-request-id"]


def test_garbage_tokens_are_refused(client: TestClient) -> None:
    for value in ("Bearer nope", "Bearer nh_x_y", "Basic abc", "Bearer nh_00000000_" + "a" * 43):
        response = client.get("/api/v1/me", headers={"Authorization": value})
        assert response.status_code == 401, value


def test_unknown_path_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_invalid_body_is_a_422_problem_naming_the_field(
    client: TestClient, factory: Factory
) -> None:
    admin = factory.user(roles=("secretariat_admin",))
    response = client.post(
        "/api/v1/organisations",
        headers=factory.headers(admin),
        json={"name": "X", "kind": "pirates"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    fields = {e["field"] for e in response.json()["errors"]}
    assert "body.kind" in fields
    assert "body.name" in fields


def test_malformed_json_is_a_4xx_problem(client: TestClient, factory: Factory) -> None:
    admin = factory.user(roles=("secretariat_admin",))
    headers = {**factory.headers(admin), "content-type": "application/json"}
    response = client.post("/api/v1/organisations", headers=headers, content=b"{not json")
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == PROBLEM


def test_read_scope_cannot_change_anything(client: TestClient, factory: Factory) -> None:
    admin = factory.user(roles=("secretariat_admin",))
    headers = factory.headers(admin, scopes=("read",))
    assert client.get("/api/v1/organisations", headers=headers).status_code == 200
    response = client.post(
        "/api/v1/organisations",
        headers=headers,
        json={"name": "Read Only Police", "kind": "law_enforcement"},
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM


def test_token_lifecycle_shown_once_hashed_revocable(client: TestClient, factory: Factory) -> None:
    user = factory.user(roles=("analyst",))
    headers = factory.headers(user)
    created = client.post(
        "/api/v1/tokens", headers=headers, json={"name": "script", "scopes": ["read"], "days": 7}
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith(created.json()["prefix"] + "_")
    listed = client.get("/api/v1/tokens", headers=headers).json()
    assert all("token" not in t for t in listed)
    mine = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=mine).json()["scopes"] == ["read"]
    # A read token cannot mint a wider one.
    wider = client.post(
        "/api/v1/tokens", headers=mine, json={"name": "wider", "scopes": ["write"], "days": 7}
    )
    assert wider.status_code in {403, 422}
    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=headers)
    assert revoked.status_code == 200
    assert client.get("/api/v1/me", headers=mine).status_code == 401


def test_an_organisation_cannot_touch_another_organisations_users(
    client: TestClient, factory: Factory
) -> None:
    mine = factory.organisation("Agency A", kind=OrganisationKind.LAW_ENFORCEMENT)
    theirs = factory.organisation("Agency B", kind=OrganisationKind.LAW_ENFORCEMENT)
    admin = factory.user(mine, roles=("org_admin",))
    victim = factory.user(theirs, roles=("analyst",))
    headers = factory.headers(admin)
    # Another organisation's users are not there for this admin: 404, as if they did not exist.
    assert client.get(f"/api/v1/users/{victim.id}", headers=headers).status_code == 404
    response = client.put(
        f"/api/v1/users/{victim.id}/roles", headers=headers, json={"roles": ["org_admin"]}
    )
    assert response.status_code == 404
    listed = client.get("/api/v1/users", headers=headers).json()
    assert victim.id not in {u["id"] for u in listed}
    response = client.patch(
        f"/api/v1/organisations/{theirs.id}", headers=headers, json={"name": "Hijacked"}
    )
    assert response.status_code == 403


def test_invitation_over_the_api(client: TestClient, factory: Factory) -> None:
    org = factory.organisation()
    admin = factory.user(org, roles=("org_admin",))
    response = client.post(
        "/api/v1/invitations",
        headers=factory.headers(admin),
        json={"email": "new@example.org", "organisation_id": org.id, "roles": ["delegate"]},
    )
    assert response.status_code == 201
    token = response.json()["accept_url"].rsplit("/", 1)[1]
    accepted = client.post(
        f"/api/v1/invitations/{token}/accept",
        json={"display_name": "New", "password": "a long enough password"},
    )
    assert accepted.status_code == 201
    assert accepted.json()["roles"] == ["delegate"]
    again = client.post(
        f"/api/v1/invitations/{token}/accept",
        json={"display_name": "New", "password": "a long enough password"},
    )
    assert again.status_code == 410


def test_chair_on_a_date_over_the_api(client: TestClient, factory: Factory) -> None:
    from datetime import date

    from nohaven.members.models import MembershipRole

    body = factory.body(slug="chairs")
    first, second = factory.organisation("First"), factory.organisation("Second")
    factory.seat(body, first, MembershipRole.CHAIR, start=date(2012, 7, 1), end=date(2015, 7, 1))
    factory.seat(body, second, MembershipRole.CHAIR, start=date(2015, 7, 1))
    headers = factory.headers(factory.user(roles=("observer",)), scopes=("read",))
    then = client.get("/api/v1/bodies/chairs/chair?on=2014-03-01", headers=headers).json()
    assert then["organisation_name"] == "First"
    now = client.get("/api/v1/bodies/chairs/chair", headers=headers).json()
    assert now["organisation_name"] == "Second"
    bad = client.get("/api/v1/bodies/chairs/chair?on=yesterday", headers=headers)
    assert bad.status_code == 422


def test_audit_api_scoped_to_the_organisation(client: TestClient, factory: Factory) -> None:
    mine, theirs = factory.organisation(), factory.organisation()
    admin = factory.user(mine, roles=("org_admin",))
    other_admin = factory.user(theirs, roles=("org_admin",))
    factory.token(other_admin)  # an audited event of the other organisation
    entries = client.get("/api/v1/audit", headers=factory.headers(admin)).json()
    assert entries
    assert {e["organisation_id"] for e in entries} == {mine.id}
    analyst = factory.user(mine, roles=("analyst",))
    assert client.get("/api/v1/audit", headers=factory.headers(analyst)).status_code == 403
