"""One provider for the module's tests, with accounts that say how they authenticated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nohaven.config import OidcSettings, Settings
from tests.auth.oidc.provider import OpenIdProvider

ACCOUNTS = {
    # Signed in at the provider with a second factor.
    "ada": {
        "claims": {
            "email": "ada@police.example",
            "email_verified": True,
            "name": "Ada Analyst",
            "groups": ["nohaven-analysts"],
        },
        "amr": ["pwd", "otp", "mfa"],
        "acr": "urn:police:loa:high",
    },
    # A password only.
    "bob": {
        "claims": {
            "email": "bob@police.example",
            "email_verified": True,
            "name": "Bob Basic",
            "groups": ["nohaven-analysts"],
        },
        "amr": ["pwd"],
        "acr": "urn:police:loa:low",
    },
    # An address outside the organisation's domains.
    "eve": {
        "claims": {
            "email": "eve@elsewhere.example",
            "email_verified": True,
            "groups": ["nohaven-analysts"],
        },
        "amr": ["pwd", "mfa"],
    },
}


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OpenIdProvider]:
    provider = OpenIdProvider(ACCOUNTS).start()
    yield provider
    provider.stop()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    mail = settings.mail.model_copy(update={"site_url": "https://testserver"})
    return settings.model_copy(
        update={"oidc": OidcSettings(allow_http_loopback=True), "mail": mail}
    )
