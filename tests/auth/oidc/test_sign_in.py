"""Signing in through an organisation's OpenID provider: a real `oidc-provider` on loopback,
driven like a browser through its login form, and back to nohaven with a code."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.members.models import Organisation, User
from tests.auth.oidc.provider import CLIENT_ID, CLIENT_SECRET, REDIRECT, OpenIdProvider
from tests.factories import Factory


def _configure(
    client: TestClient, factory: Factory, provider: OpenIdProvider, *, trust_mfa: bool
) -> Organisation:
    org = factory.organisation("Police of Example", kind="law_enforcement")
    secretariat = factory.user(
        factory.organisation("Secretariat", kind="intergovernmental"),
        roles=("secretariat_admin",),
    )
    answer = client.put(
        f"/api/v1/organisations/{org.id}/oidc",
        json={
            "issuer": provider.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "allowed_domains": ["police.example"],
            "role_map": {"nohaven-analysts": ["analyst"]},
            "trusted_amr": ["mfa"] if trust_mfa else [],
        },
        headers=factory.headers(secretariat),
    )
    assert answer.status_code == 200, answer.text
    assert "client_secret" not in answer.text
    return org


def _sign_in_at_provider(client: TestClient, provider_id: str, account: str) -> httpx.Response:
    """Follow the flow as a browser does: nohaven -> the provider's login form -> nohaven."""
    leave = client.get(f"/login/oidc/{provider_id}?next=/inbox", follow_redirects=False)
    assert leave.status_code == 303, leave.text
    with httpx.Client(follow_redirects=False, timeout=20) as browser:
        at = browser.get(leave.headers["location"])
        while at.status_code in {302, 303} and not at.headers["location"].startswith(REDIRECT):
            at = browser.get(httpx.URL(str(at.url)).join(at.headers["location"]))
        form = re.search(r'action="([^"]+)"', at.text)
        assert form is not None, at.text
        at = browser.post(httpx.URL(str(at.url)).join(form.group(1)), data={"login": account})
        while not at.headers.get("location", "").startswith(REDIRECT):
            assert at.status_code in {302, 303}, at.text
            at = browser.get(httpx.URL(str(at.url)).join(at.headers["location"]))
        back = at.headers["location"]
    return client.get(back.removeprefix("https://testserver"), follow_redirects=False)


def _provider_id(db: Session, org: Organisation) -> str:
    from nohaven.auth.oidc.models import OidcProvider

    return db.execute(
        select(OidcProvider.id).where(OidcProvider.organisation_id == org.id)
    ).scalar_one()


def test_a_person_signs_in_through_their_provider_with_its_second_factor(
    client: TestClient, db: Session, factory: Factory, oidc_provider: OpenIdProvider
) -> None:
    org = _configure(client, factory, oidc_provider, trust_mfa=True)
    assert "Police of Example" in client.get("/login").text

    came_back = _sign_in_at_provider(client, _provider_id(db, org), "ada")

    assert came_back.status_code == 303, came_back.text
    assert came_back.headers["location"] == "/inbox"
    user = db.execute(select(User).where(User.email == "ada@police.example")).scalar_one()
    assert user.organisation_id == org.id
    assert user.roles == ["analyst"]
    assert user.password_hash is None
    inbox = client.get("/inbox")
    assert inbox.status_code == 200


def test_without_trusted_amr_the_second_factor_is_still_asked(
    client: TestClient, db: Session, factory: Factory, oidc_provider: OpenIdProvider
) -> None:
    org = _configure(client, factory, oidc_provider, trust_mfa=False)
    came_back = _sign_in_at_provider(client, _provider_id(db, org), "ada")
    # A law-enforcement agency's people must have a second factor: enrol it first.
    assert came_back.status_code == 303
    assert came_back.headers["location"].startswith("/account/totp")


def test_a_password_only_sign_in_does_not_pass_for_a_second_factor(
    client: TestClient, db: Session, factory: Factory, oidc_provider: OpenIdProvider
) -> None:
    org = _configure(client, factory, oidc_provider, trust_mfa=True)
    came_back = _sign_in_at_provider(client, _provider_id(db, org), "bob")
    assert came_back.status_code == 303
    assert came_back.headers["location"].startswith("/account/totp")


def test_an_address_outside_the_organisations_domains_is_refused(
    client: TestClient, db: Session, factory: Factory, oidc_provider: OpenIdProvider
) -> None:
    org = _configure(client, factory, oidc_provider, trust_mfa=True)
    came_back = _sign_in_at_provider(client, _provider_id(db, org), "eve")
    assert came_back.status_code == 401
    assert "may not sign in" in came_back.text
    assert db.execute(select(User).where(User.email == "eve@elsewhere.example")).first() is None
    assert client.get("/inbox", follow_redirects=False).status_code in {303, 401}


def test_a_forged_state_or_a_replayed_callback_is_refused(
    client: TestClient, factory: Factory, oidc_provider: OpenIdProvider
) -> None:
    assert client.get("/login/oidc/callback?code=abc&state=xyz").status_code == 401
