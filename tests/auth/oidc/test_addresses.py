"""The server calls an organisation's OpenID provider only at a public address (or one the
deployment names): an issuer inside is refused when saved, and each request of the sign-in flow
is checked again, after resolving, before it leaves."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.oidc import outbound
from nohaven.auth.oidc import service as oidc
from nohaven.auth.oidc.schemas import OidcProviderSet
from nohaven.config import Settings
from nohaven.errors import InvalidInput, ServiceUnavailable
from nohaven.keys.ring import data_keyring
from nohaven.settings_sections import OidcSettings
from tests.factories import Factory


def _set(db: Session, factory: Factory, settings: Settings, issuer: str) -> None:
    org = factory.organisation(f"Agency at {issuer}", kind="government")
    admin = factory.actor(factory.user(org, roles=("org_admin",)))
    oidc.set_provider(
        db,
        actor=admin,
        organisation_id=org.id,
        data=OidcProviderSet.model_validate(
            {
                "issuer": issuer,
                "client_id": "nohaven",
                "client_secret": "s",
                "allowed_domains": ["a.example"],
            }
        ),
        keyring=data_keyring(settings),
        addresses=outbound.guard_of(settings),
    )


@pytest.mark.parametrize(
    "issuer",
    [
        "https://10.1.2.3",
        "https://192.168.0.10/realms/agency",
        "https://169.254.169.254",  # a cloud's metadata service
        "https://[::1]:8443",
        "https://[::ffff:127.0.0.1]",
        "https://100.64.0.1",
        "http://127.0.0.1:9000",  # loopback over http without the setting
    ],
)
def test_an_issuer_inside_is_refused_when_saved(
    db: Session, factory: Factory, settings: Settings, issuer: str
) -> None:
    strict = settings.model_copy(update={"demo": False, "oidc": OidcSettings()})
    with pytest.raises(InvalidInput) as refused:
        _set(db, factory, strict, issuer)
    assert refused.value.errors[0]["field"] == "issuer"


def test_a_public_issuer_and_a_named_network_are_accepted(
    db: Session, factory: Factory, settings: Settings
) -> None:
    strict = settings.model_copy(update={"demo": False, "oidc": OidcSettings()})
    _set(db, factory, strict, "https://8.8.8.8/realms/agency")
    own = settings.model_copy(
        update={"demo": False, "oidc": OidcSettings(allowed_networks=["10.20.0.0/16"])}
    )
    _set(db, factory, own, "https://10.20.1.1/realms/agency")


@pytest.fixture
def inside_server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_each_request_of_the_flow_is_checked_before_it_leaves(
    settings: Settings, inside_server: tuple[str, list[str]]
) -> None:
    url, seen = inside_server
    strict = settings.model_copy(update={"demo": False, "oidc": OidcSettings()})
    with outbound.client(strict) as client, pytest.raises(ServiceUnavailable):
        client.get(url + "/.well-known/openid-configuration")
    assert seen == []  # nothing reached the server inside
    beside = settings.model_copy(
        update={"demo": False, "oidc": OidcSettings(allow_http_loopback=True)}
    )
    with outbound.client(beside) as client:
        assert client.get(url + "/.well-known/openid-configuration").status_code == 200
    assert seen == ["/.well-known/openid-configuration"]
