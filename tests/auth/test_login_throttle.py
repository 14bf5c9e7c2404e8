"""Failed logins (issue 12): the second factor counts on its own; the password step counts an
account per source address and a source across accounts, answers alike for known and unknown
accounts, and never lets a stranger lock the owner out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.auth import second_factor, throttle
from nohaven.auth.models import LoginThrottle
from nohaven.config import Settings
from nohaven.kit.clock import utcnow
from nohaven.members.models import User
from tests.factories import PASSWORD, Factory, csrf_from

ATTACKER = ("198.51.100.7", 40000)
OWNER = ("203.0.113.20", 50000)


@pytest.fixture
def clients(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    with (
        TestClient(app, base_url="https://testserver", client=ATTACKER) as attacker,
        TestClient(app, base_url="https://testserver", client=OWNER) as owner,
    ):
        yield {"attacker": attacker, "owner": owner}


def _login(client: TestClient, email: str, password: str) -> httpx.Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "next": "/",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )


def _code(client: TestClient, code: str) -> httpx.Response:
    page = client.get("/login/totp")
    return client.post(
        "/login/totp",
        data={"code": code, "csrf_token": csrf_from(page.text), "next": "/"},
        follow_redirects=False,
    )


def _enrolled(db: Session, factory: Factory) -> tuple[User, pyotp.TOTP]:
    user = factory.user(roles=("delegate",))
    secret = second_factor.begin_totp_enrolment(db, user=user, settings=factory.settings)
    # Enrol with the code of the previous step, so the current one is still unused.
    totp = pyotp.TOTP(secret)
    second_factor.confirm_totp_enrolment(
        db, user=user, code=totp.at(utcnow() - timedelta(seconds=30)), settings=factory.settings
    )
    return user, totp


def _audited(db: Session, action: str, user: User) -> int:
    return len(
        db.execute(
            select(AuditEntry.seq).where(
                AuditEntry.action == action, AuditEntry.resource_id == user.id
            )
        ).all()
    )


def test_a_correct_password_does_not_reset_second_factor_failures(
    clients: dict[str, TestClient], factory: Factory, db: Session
) -> None:
    """The attack: log in with the stolen password, guess two codes, log in again… Before,
    each correct password reset the count and the guessing never stopped."""
    user, totp = _enrolled(db, factory)
    client = clients["attacker"]
    for guesses in (["000000", "111111"], ["222222", "333333"], ["444444"]):
        assert _login(client, user.email, PASSWORD).status_code == 303
        for guess in guesses:
            assert _code(client, guess).status_code == 401
        client.cookies.clear()
    # Five wrong codes in three logins: the second factor is paused, whatever the password says.
    assert _login(client, user.email, PASSWORD).status_code == 303
    paused = _code(client, totp.now())
    assert paused.status_code == 423
    assert "paused" in paused.text
    assert _audited(db, "auth.second_factor_paused", user) == 1
    # From another source too: the second factor is counted per user, not per address.
    owner = clients["owner"]
    assert _login(owner, user.email, PASSWORD).status_code == 303
    assert _code(owner, totp.now()).status_code == 423


def test_an_admin_reset_of_the_second_factor_ends_its_pause(
    clients: dict[str, TestClient], factory: Factory, db: Session
) -> None:
    user, _totp = _enrolled(db, factory)
    for _ in range(5):
        assert not second_factor.verify_second_factor(
            db, user=user, code="999999", settings=factory.settings
        )
    admin = factory.user(user.organisation, roles=("org_admin",))
    second_factor.reset_second_factor(
        db, actor=factory.actor(admin), user_id=user.id, settings=factory.settings
    )
    assert db.execute(select(LoginThrottle)).scalars().all() == []


def test_a_stranger_cannot_lock_the_owner_out(
    clients: dict[str, TestClient], factory: Factory, db: Session
) -> None:
    """The issue's weapon: anyone who knows an address sent wrong passwords until the owner
    got 423 "locked", even with the right password."""
    user, totp = _enrolled(db, factory)
    attacker, owner = clients["attacker"], clients["owner"]
    answers = {_login(attacker, user.email, "not the password").status_code for _ in range(12)}
    assert answers == {401, 429}
    assert _login(attacker, user.email, PASSWORD).status_code == 429
    assert _audited(db, "auth.login_paused", user) >= 1
    # The owner, from a clean source, with the right password and code, gets in.
    first = _login(owner, user.email, PASSWORD)
    assert first.status_code == 303
    assert first.headers["location"].startswith("/login/totp")
    done = _code(owner, totp.now())
    assert done.status_code == 303, done.text
    assert owner.get("/account").status_code == 200


def _comparable(response: httpx.Response, email: str) -> tuple[int, str]:
    body = response.text.replace(email, "EMAIL")
    body = re.sub(r"[0-9a-f]{64}", "CSRF", body)  # the form's token differs per pre-session
    return response.status_code, body


def test_known_and_unknown_accounts_answer_alike_and_cost_alike(
    client: TestClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same status, same page, and one argon2 verification per attempt, before and after the
    pause, for an existing account and for an address nobody has."""
    user = factory.user(roles=("delegate",))
    verifications: list[str] = []
    real_verify = PasswordHasher.verify

    def counting(self: PasswordHasher, stored: Any, password: Any) -> bool:
        verifications.append("verify")
        return real_verify(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    known, unknown = [], []
    known_costs, unknown_costs = [], []
    for email, answers, costs in (
        (user.email, known, known_costs),
        ("nobody-here@example.org", unknown, unknown_costs),
    ):
        for password in ["wrong guess!"] * 6 + [PASSWORD]:
            verifications.clear()
            answers.append(_comparable(_login(client, email, password), email))
            costs.append(len(verifications))
        client.cookies.clear()
    assert [status for status, _ in known] == [401] * 5 + [429] * 2
    assert known == unknown
    assert known_costs == unknown_costs == [1] * 7


def test_one_source_trying_many_accounts_is_paused(
    clients: dict[str, TestClient],
    factory: Factory,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The settings the app was built with: the services take them from there.
    monkeypatch.setattr(settings, "login_source_max_failures", 8)
    user = factory.user(roles=("delegate",))
    attacker = clients["attacker"]
    for n in range(8):
        assert _login(attacker, f"guess{n}@example.org", "wrong guess!").status_code == 401
    # Paused for every account from this source, including a real one with its password…
    assert _login(attacker, user.email, PASSWORD).status_code == 429
    # …while another source is not.
    assert _login(clients["owner"], user.email, PASSWORD).status_code == 303


def test_each_pause_lasts_twice_as_long_as_the_one_before(db: Session, settings: Settings) -> None:
    limit = throttle.Limit(3, timedelta(minutes=15), timedelta(hours=1))
    key = throttle.key_for(settings, throttle.Scope.ACCOUNT_AT_SOURCE, "x@example.org", "1.2.3.4")
    scope = throttle.Scope.ACCOUNT_AT_SOURCE
    now = utcnow()
    pauses = []
    for _round in range(4):
        for n in range(3):
            until = throttle.record_failure(db, scope, key, limit, now=now)
            assert (until is None) == (n < 2)
        assert until is not None
        assert throttle.paused_until(db, scope, key, now=now) == until
        pauses.append(until - now)
        now = until + timedelta(seconds=1)
        assert throttle.paused_until(db, scope, key, now=now) is None
    assert pauses == [
        timedelta(minutes=15),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=1),  # never longer than the longest pause
    ]
    # A day of quiet and the key starts over.
    later = now + throttle.MEMORY + timedelta(minutes=1)
    for _ in range(3):
        until = throttle.record_failure(db, scope, key, limit, now=later)
    assert until == later + timedelta(minutes=15)


def test_the_table_holds_keyed_hashes_not_addresses(
    clients: dict[str, TestClient], factory: Factory, db: Session
) -> None:
    user = factory.user(roles=("delegate",))
    _login(clients["attacker"], user.email, "wrong guess!")
    rows = db.execute(select(LoginThrottle)).scalars().all()
    assert {row.scope for row in rows} == {"account_at_source", "source"}
    for row in rows:
        assert user.email not in row.key
        assert ATTACKER[0] not in row.key
        assert re.fullmatch(r"[0-9a-f]{64}", row.key)
