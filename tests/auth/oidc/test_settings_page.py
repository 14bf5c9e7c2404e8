"""An organisation's admin sets its OpenID provider on a page: form errors for each bad field,
the client secret sealed and never shown back (left empty, it stays), every change audited,
and nobody else may see the page."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.auth.oidc import service
from nohaven.config import Settings
from nohaven.keys.ring import data_keyring
from nohaven.members.models import Organisation
from tests.factories import Factory, csrf_from, web_login

SECRET = "s3cret-client-secret-of-the-agency"
GOOD = {
    "issuer": "https://login.agency.example",
    "client_id": "nohaven-web",
    "client_secret": SECRET,
    "allowed_domains": "agency.example, Ops.Agency.example",
    "role_claim": "groups",
    "role_map": "nohaven-analysts = analyst\nnohaven-delegates = delegate, analyst",
    "trusted_amr": "mfa, otp",
    "trusted_acr": "",
    "enabled": "true",
}


def _admin_in(client: TestClient, factory: Factory) -> tuple[Organisation, str]:
    org = factory.organisation("Agency of Example", kind="government")
    web_login(client, factory.user(org, roles=("org_admin",)))
    page = client.get(f"/organisations/{org.id}/sign-in")
    assert page.status_code == 200, page.text
    return org, csrf_from(page.text)


def test_an_admin_sets_the_provider_and_never_sees_the_secret_again(
    client: TestClient, db: Session, factory: Factory, settings: Settings
) -> None:
    org, token = _admin_in(client, factory)
    assert f'href="/organisations/{org.id}/sign-in"' in client.get(f"/organisations/{org.id}").text
    path = f"/organisations/{org.id}/sign-in"
    saved = client.post(path, data={**GOOD, "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303, saved.text

    provider = service.provider_of(db, org.id)
    assert provider is not None
    assert provider.allowed_domains == ["agency.example", "ops.agency.example"]
    assert provider.role_map == {
        "nohaven-analysts": ["analyst"],
        "nohaven-delegates": ["analyst", "delegate"],
    }
    assert provider.trusted_amr == ["mfa", "otp"]
    assert SECRET not in provider.client_secret_sealed
    assert service.client_secret(provider, keyring=data_keyring(settings)) == SECRET
    page = client.get(path).text
    assert SECRET not in page
    assert 'value="https://login.agency.example"' in page

    # Saved again with the secret left empty: the sealed one stays; the change is audited.
    again = client.post(
        path,
        data={**GOOD, "client_secret": "", "trusted_amr": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert again.status_code == 303
    db.refresh(provider)
    assert provider.trusted_amr == []
    assert service.client_secret(provider, keyring=data_keyring(settings)) == SECRET
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "oidc_provider.set")).all()
    assert [json.loads(e.summary)["secret_changed"] for e in entries] == [True, False]
    assert all(SECRET not in e.summary for e in entries)


def test_each_bad_field_is_a_form_error_and_nothing_is_saved(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org, token = _admin_in(client, factory)
    path = f"/organisations/{org.id}/sign-in"
    cases = {
        "issuer": ({"issuer": "http://login.agency.example"}, "https://"),
        "client_secret": ({"client_secret": ""}, "client secret"),
        "allowed_domains": ({"allowed_domains": "not a domain"}, "e-mail domains"),
        "role_map": ({"role_map": "nohaven-admins"}, "claim value = role"),
        "secretariat role": (
            {"role_map": "everyone = secretariat_admin"},
            "cannot grant",
        ),
    }
    for name, (change, says) in cases.items():
        refused = client.post(path, data={**GOOD, **change, "csrf_token": token})
        assert refused.status_code == 422, name
        assert says in refused.text, name
        assert 'aria-invalid="true"' in refused.text, name
        assert SECRET not in refused.text, name  # not even the one just typed
        assert 'value="nohaven-web"' in refused.text, name  # the rest is kept
    assert service.provider_of(db, org.id) is None


def test_only_the_organisations_admins_and_the_secretariat_reach_the_page(
    client: TestClient, factory: Factory
) -> None:
    org = factory.organisation("Agency of Example", kind="government")
    other = factory.organisation("Other Agency", kind="government")
    web_login(client, factory.user(org, roles=("analyst",)))
    assert client.get(f"/organisations/{org.id}/sign-in").status_code in (403, 404)
    assert "/sign-in" not in client.get(f"/organisations/{org.id}").text
    client.cookies.clear()
    web_login(client, factory.user(other, roles=("org_admin",)))
    assert client.get(f"/organisations/{org.id}/sign-in").status_code in (403, 404)
    client.cookies.clear()
    secretariat = factory.user(
        factory.organisation("Secretariat", kind="intergovernmental"),
        roles=("secretariat_admin",),
    )
    web_login(client, secretariat)
    assert client.get(f"/organisations/{org.id}/sign-in").status_code == 200
