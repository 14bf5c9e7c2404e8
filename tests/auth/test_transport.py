"""Outside demo mode cookies are Secure and every answer carries HSTS; plain HTTP on loopback
is an explicit opt-out (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from nohaven.config import Settings
from nohaven.main import create_app
from tests.factories import PASSWORD, Factory, csrf_from


def _client(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session], **changes: object
) -> Iterator[TestClient]:
    app: FastAPI = create_app(settings.model_copy(update=changes), engine=engine)
    app.state.sessionmaker = session_factory
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def _login_cookies(client: TestClient, factory: Factory) -> list[str]:
    user = factory.user(roles=("delegate",))
    page = client.get("/login")
    cookies = page.headers.get_list("set-cookie")
    answer = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return cookies + answer.headers.get_list("set-cookie")


@pytest.fixture
def production(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    yield from _client(settings, engine, session_factory)


def test_by_default_cookies_are_secure_and_answers_carry_hsts(
    production: TestClient, factory: Factory
) -> None:
    cookies = _login_cookies(production, factory)
    assert {c.split("=", 1)[0] for c in cookies} == {"nh_csrf", "nh_session"}
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert "secure" in flags, cookie
        assert "httponly" in flags, cookie
    for path in ("/login", "/api/v1/me", "/static/nonexistent.css"):
        answer = production.get(path)
        assert answer.headers["strict-transport-security"].startswith("max-age="), path
        assert int(answer.headers["strict-transport-security"].split("=")[1]) >= 31536000


@pytest.mark.parametrize("opt_out", [{"plain_http_on_loopback": True}, {"demo": True}])
def test_plain_http_on_loopback_and_demo_drop_secure_and_hsts(
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    factory: Factory,
    opt_out: dict[str, object],
) -> None:
    for client in _client(settings, engine, session_factory, **opt_out):
        cookies = _login_cookies(client, factory)
        assert cookies
        for cookie in cookies:
            assert "secure" not in {part.strip().lower() for part in cookie.split(";")}
        assert "strict-transport-security" not in client.get("/login").headers
