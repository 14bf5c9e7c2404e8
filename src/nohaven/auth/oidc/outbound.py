"""Where the server may call an organisation's OpenID provider.

An organisation's admin names the issuer, and the server then fetches its discovery document,
its keys and its token endpoint — addresses the provider itself names. Unchecked, that would let
an admin (or a provider) point the server at its own doors: loopback, the private network, a
cloud's metadata service. So every request of the sign-in flow passes the same address guard as
webhook deliveries (`nohaven.webhooks.addresses`): public addresses only, unless the deployment
names a network in ``NOHAVEN_OIDC_ALLOWED_NETWORKS`` or allows a provider beside the server
(``NOHAVEN_OIDC_ALLOW_HTTP_LOOPBACK``, or demo mode). The issuer is checked when it is saved, and
each request again just before it is sent, after resolving its host.
"""

from __future__ import annotations

import ipaddress

import httpx

from nohaven.config import Settings
from nohaven.errors import InvalidInput, ServiceUnavailable
from nohaven.kit.i18n import N_
from nohaven.webhooks.addresses import LOOPBACK_NETWORKS, Guard, RefusedAddress, UnresolvedHost

REFUSED = N_("Your organisation's sign-in provider is at an address this server does not call.")


def guard_of(settings: Settings) -> Guard:
    """The deployment's rules for the addresses of OpenID providers."""
    allowed = tuple(ipaddress.ip_network(n, strict=False) for n in settings.oidc.allowed_networks)
    beside = settings.demo or settings.oidc.allow_http_loopback
    if beside:
        allowed += LOOPBACK_NETWORKS
    return Guard(allow_http_loopback=beside, allowed=allowed)


def check_issuer_address(guard: Guard, issuer: str) -> None:
    """Refuse an issuer whose host is or resolves to an address the server does not call; a
    name that does not resolve yet passes (each request is checked again when it is sent)."""
    try:
        guard.addresses(issuer)
    except UnresolvedHost:
        return
    except RefusedAddress as exc:
        message = N_(
            "The issuer leads to a private, loopback or reserved address, which this server "
            "does not call."
        )
        raise InvalidInput(message, errors=[{"field": "issuer", "message": message}]) from exc


def client(settings: Settings) -> httpx.Client:
    """An HTTP client for the sign-in flow whose every request passes the guard first and
    never follows a redirect elsewhere."""
    guard = guard_of(settings)

    def check(request: httpx.Request) -> None:
        try:
            guard.addresses(str(request.url))
        except (RefusedAddress, UnresolvedHost) as exc:
            raise ServiceUnavailable(REFUSED) from exc

    return httpx.Client(
        timeout=settings.oidc.timeout_seconds,
        follow_redirects=False,
        event_hooks={"request": [check]},
    )
