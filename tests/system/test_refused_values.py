"""Values the database itself would refuse are answered 422 problem+json, never 500, on both
databases: numbers past 64 bits, NUL characters (PostgreSQL text cannot hold them), numbers
past a column's range. Each input here made the API fail with a 500 before."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from tests.factories import Factory

TOO_BIG = str(2**63)


def _assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_numbers_past_64_bits_are_refused(client: TestClient, factory: Factory) -> None:
    headers = factory.headers(factory.user(roles=("secretariat_admin",)))
    for url in (
        f"/api/v1/audit?before_seq={TOO_BIG}",
        f"/api/v1/policy/criteria?version={TOO_BIG}",
    ):
        _assert_refused(client.get(url, headers=headers))


def test_a_nul_character_is_refused_not_a_crash(client: TestClient, factory: Factory) -> None:
    headers = factory.headers(factory.user(roles=("secretariat_admin",)))
    response = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "display_name": "Nul",
            "email": "nul@example.org",
            "organisation_id": "\x00",
            "password": "a long enough password 1",
            "roles": ["analyst"],
        },
    )
    # SQLite looks the organisation up and finds none; PostgreSQL refuses the NUL outright.
    assert response.status_code in {404, 422}, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
