"""The JSON API: review rules, import validation as problem+json, gaps and maturity privacy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.policy import criteria
from nohaven.policy.models import Assessment, Framework
from tests.factories import Factory
from tests.policy.conftest import Person


def test_review_through_the_api(
    client: TestClient, factory: Factory, framework: Framework, person: Callable[..., Person]
) -> None:
    author, reviewer = person(), person(country="FR")
    a_headers, r_headers = factory.headers(author.user), factory.headers(reviewer.user)
    created = client.post(
        "/api/v1/policy/assessments",
        json={
            "country": "ke",
            "criterion_key": "grooming",
            "status": "not_met",
            "citations": ["s. 1"],
        },
        headers=a_headers,
    )
    assert created.status_code == 201, created.text
    aid = created.json()["id"]
    assert created.json()["country"] == "KE"
    bad = client.post(
        "/api/v1/policy/assessments",
        json={"country": "QQ", "criterion_key": "grooming", "status": "met"},
        headers=a_headers,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/policy/assessments/{aid}", headers=r_headers).status_code == 404
    assert (
        client.post(f"/api/v1/policy/assessments/{aid}/submit", headers=a_headers).json()["state"]
        == "submitted"
    )
    own = client.post(f"/api/v1/policy/assessments/{aid}/approve", headers=a_headers)
    assert own.status_code == 403
    read_only = factory.headers(reviewer.user, scopes=("read",))
    assert (
        client.post(f"/api/v1/policy/assessments/{aid}/approve", headers=read_only).status_code
        == 403
    )
    ok = client.post(f"/api/v1/policy/assessments/{aid}/approve", headers=r_headers)
    assert ok.status_code == 200
    assert ok.json()["state"] == "approved"
    havens = client.get("/api/v1/policy/safe-havens", headers=r_headers).json()
    assert havens["countries"] == []  # grooming is not a core criterion
    country = client.get("/api/v1/policy/countries/KE", headers=r_headers).json()
    assert "grooming" in country["gaps"]
    assert country["not_met"] == 1
    failures = client.get("/api/v1/policy/criteria/grooming/failures", headers=r_headers).json()
    assert failures["not_met"] == ["KE"]
    earlier = client.get("/api/v1/policy/countries/KE?as_of=2020-01-01", headers=r_headers)
    assert earlier.json()["not_met"] == 0
    assert (
        client.get("/api/v1/policy/countries/KE?as_of=soon", headers=r_headers).status_code == 422
    )
    progress = client.get("/api/v1/policy/progress", headers=r_headers).json()
    assert progress["criteria"]["grooming"][-1] == 0


def test_import_api_is_all_or_nothing(
    client: TestClient, factory: Factory, framework: Framework, person: Callable[..., Person]
) -> None:
    headers = factory.headers(person().user)
    rows = [
        {"country": "KE", "criterion_key": "grooming", "status": "met"},
        {"country": "KE", "criterion_key": "grooming", "status": "not_met"},
    ]
    rejected = client.post("/api/v1/policy/import?format=json", json=rows, headers=headers)
    assert rejected.status_code == 422
    assert rejected.json()["errors"][0]["row"] == 2
    listing = client.get("/api/v1/policy/assessments?state=pending", headers=headers).json()
    assert listing == []
    ok = client.post("/api/v1/policy/import?format=json", json=rows[:1], headers=headers)
    assert ok.status_code == 201
    assert ok.json() == {"created": 1, "rejected": []}


def test_import_api_refuses_a_body_over_5_mb(
    client: TestClient,
    db: Session,
    factory: Factory,
    framework: Framework,
    person: Callable[..., Person],
) -> None:
    headers = factory.headers(person().user) | {"Content-Type": "text/csv"}
    row = b"KE,grooming,met\n"
    body = b"country,criterion_key,status\n" + row * (5 * 1024 * 1024 // len(row) + 1)
    refused = client.post("/api/v1/policy/import?format=csv", content=body, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "larger than 5 MB" in refused.json()["detail"]
    assert db.execute(select(func.count()).select_from(Assessment)).scalar_one() == 0


def test_criteria_api_versions_and_secretariat_only(
    client: TestClient, factory: Factory, framework: Framework, person: Callable[..., Person]
) -> None:
    delegate = factory.headers(person().user)
    got = client.get("/api/v1/policy/criteria", headers=delegate).json()
    assert got["version"] == framework.version
    assert len(got["criteria"]) == 16
    text = criteria.shipped_text().replace('"weight": 1,', '"weight": 3,', 1)
    assert client.post("/api/v1/policy/criteria", content=text, headers=delegate).status_code == 403
    sec = factory.headers(person(roles=("secretariat_admin",)).user)
    loaded = client.post("/api/v1/policy/criteria", content=text, headers=sec)
    assert loaded.status_code == 201
    assert loaded.json()["version"] == framework.version + 1
    same = client.post("/api/v1/policy/criteria", content=text, headers=sec)
    assert same.status_code == 200


def test_maturity_api_privacy(
    client: TestClient, db: Session, factory: Factory, person: Callable[..., Person]
) -> None:
    body = factory.body()
    owner = person(factory.organisation(country="KE"))
    member = person(factory.organisation(country="SE"))
    factory.seat(body, owner.org)
    factory.seat(body, member.org)
    o_headers, m_headers = factory.headers(owner.user), factory.headers(member.user)
    saved = client.put(
        "/api/v1/policy/maturity",
        json=[{"capability_key": "hotline", "phase": 2, "evidence": "pilot"}],
        headers=o_headers,
    )
    assert saved.status_code == 200, saved.text
    path = f"/api/v1/policy/maturity/{owner.org.id}"
    assert client.get(path, headers=m_headers).status_code == 404
    assert (
        client.put(
            "/api/v1/policy/maturity",
            json=[{"capability_key": "hotline", "phase": 5}],
            headers=o_headers,
        ).status_code
        == 422
    )
    assert (
        client.post(f"/api/v1/policy/maturity/shares/{body.slug}", headers=o_headers).status_code
        == 200
    )
    seen = client.get(path, headers=m_headers).json()
    assert seen["ratings"][0]["phase"] == 2
    assert seen["organisation_name"] == owner.org.name
    assert (
        len(client.get(f"/api/v1/policy/maturity/bodies/{body.slug}", headers=m_headers).json())
        == 1
    )
    client.delete(f"/api/v1/policy/maturity/shares/{body.slug}", headers=o_headers)
    assert client.get(path, headers=m_headers).status_code == 404


def test_a_token_whose_random_part_holds_underscores_is_accepted(
    client: TestClient,
    factory: Factory,
    framework: Framework,
    person: Callable[..., Person],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nohaven.auth import service as auth_service

    monkeypatch.setattr(auth_service, "new_token", lambda _n=32: "abc_def_ghi_" + "x" * 31)
    headers = factory.headers(person().user)
    assert client.get("/api/v1/policy/criteria", headers=headers).status_code == 200
