"""API tokens' actors are remembered for a second per process; a change to what an actor is
made of (a revocation, a deactivated account, a seat) takes effect at once in the process that
made it, and everywhere else when the second is over."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from nohaven.auth.actor_cache import ActorCache
from nohaven.kit.clock import utcnow
from nohaven.members.models import MembershipRole
from tests.factories import Factory


@pytest.fixture
def token_reads(engine: Engine) -> Iterator[list[str]]:
    """Statements that read the API token table, as they reach the database."""
    seen: list[str] = []

    def note(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM api_tokens" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def test_a_token_is_read_once_while_its_actor_is_fresh(
    app: FastAPI, client: TestClient, factory: Factory, token_reads: list[str]
) -> None:
    app.state.actor_cache.ttl = 3600.0
    headers = factory.headers(factory.user(), scopes=("read",))
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert len(token_reads) == 1


def test_a_revoked_token_is_refused_at_once(
    app: FastAPI, client: TestClient, factory: Factory
) -> None:
    app.state.actor_cache.ttl = 3600.0
    user = factory.user()
    holder = factory.headers(user, scopes=("read",))
    admin = factory.headers(user)
    assert client.get("/api/v1/me", headers=holder).status_code == 200
    tokens = client.get("/api/v1/tokens", headers=admin).json()
    read_only = next(t for t in tokens if t["scopes"] == ["read"])
    assert client.delete(f"/api/v1/tokens/{read_only['id']}", headers=admin).status_code == 200
    assert client.get("/api/v1/me", headers=holder).status_code == 401


def test_a_deactivated_account_and_a_new_seat_take_effect_at_once(
    app: FastAPI, client: TestClient, factory: Factory, db: Session
) -> None:
    app.state.actor_cache.ttl = 3600.0
    org = factory.organisation("Seated later", kind="government")
    user = factory.user(org)
    headers = factory.headers(user, scopes=("read",))
    assert client.get("/api/v1/me", headers=headers).json()["body_roles"] == {}
    body = factory.body("Cache taskforce")
    factory.seat(body, org, MembershipRole.MEMBER)
    db.flush()
    assert client.get("/api/v1/me", headers=headers).json()["body_roles"] == {body.id: "member"}
    user.is_active = False
    db.flush()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_change_made_by_another_process_is_seen_when_the_entry_is_stale(
    factory: Factory, db: Session, connection: Connection
) -> None:
    now = [0.0]
    cache = ActorCache(ttl=1.0, clock=lambda: now[0])
    secret = factory.token(factory.user(), scopes=("read",))
    first = cache.resolve(db, secret)
    assert first is not None
    # Another process revokes it: no event of this one sees that, only the database does.
    connection.exec_driver_sql(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ?"
        if connection.dialect.name == "sqlite"
        else "UPDATE api_tokens SET revoked_at = %s WHERE id = %s",
        (utcnow().isoformat() if connection.dialect.name == "sqlite" else utcnow(), first.token_id),
    )
    now[0] = 0.5
    assert cache.resolve(db, secret) is first  # still fresh: the cost of not asking
    now[0] = 1.01
    db.expire_all()
    assert cache.resolve(db, secret) is None


def test_an_unknown_or_expired_token_is_not_remembered(factory: Factory, db: Session) -> None:
    cache = ActorCache(ttl=3600.0)
    assert cache.resolve(db, "nh_00000000_nothing") is None
    assert len(cache) == 0
    secret = factory.token(factory.user(), scopes=("read",))
    found = cache.resolve(db, secret)
    assert found is not None
    assert cache.cached(secret) is found
    # It expires while remembered: the cache itself refuses it from then on.
    object.__setattr__(found, "expires_at", utcnow())
    assert cache.cached(secret) is None
