"""Where a webhook may be sent: the guard against server-side request forgery.

An endpoint's address is chosen by an organisation's admin, and the server POSTs to it. Left
unchecked, that lets anyone with the role make the server knock on its own doors: the
database on loopback, a cloud's metadata service (169.254.169.254), an internal admin panel.
So an address must be HTTPS (plain HTTP only to this machine, in demo mode or where the
deployment allows it), and every address its host name resolves to must be a public one —
checked when the endpoint is registered and again, after resolving, at each delivery, since
a name can be pointed elsewhere after registration. The delivery then connects to the very
address that was checked (see `delivery.HttpTransport`), so a second lookup cannot swap it.

A deployment whose receivers sit on its own network names those networks in
``settings.webhooks.allowed_networks``; the tests name loopback there for their receiver.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from nohaven.config import LOOPBACK_HOSTS, Settings
from nohaven.errors import InvalidInput

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port -> the addresses the name resolves to (socket.getaddrinfo, replaceable in tests
# that need a name to resolve somewhere without a DNS server).
Resolver = Callable[[str, int], list[str]]

# Demo mode runs receivers beside the server: loopback is allowed there without saying so.
LOOPBACK_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


class RefusedAddress(InvalidInput):
    """An endpoint address the server will not send to."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class Guard:
    """The deployment's rules for endpoint addresses (`Guard.of(settings)`)."""

    allow_http_loopback: bool = False
    allowed: tuple[IpNetwork, ...] = ()
    resolve: Resolver = system_resolver

    @classmethod
    def of(cls, settings: Settings, resolve: Resolver = system_resolver) -> Guard:
        allowed = tuple(
            ipaddress.ip_network(n, strict=False) for n in settings.webhooks.allowed_networks
        )
        if settings.demo:
            allowed += LOOPBACK_NETWORKS
        return cls(
            allow_http_loopback=settings.demo or settings.webhooks.allow_http_loopback,
            allowed=allowed,
            resolve=resolve,
        )

    def check_url(self, url: str) -> str:
        """The address as registered, or a clear refusal: HTTPS (or HTTP to this machine where
        allowed), and no name or literal that leads to a forbidden address. A name that does
        not resolve yet is accepted: the check at each delivery still applies."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host:
            raise RefusedAddress("An endpoint address needs a host.")
        if parts.username or parts.password:
            raise RefusedAddress("An endpoint address may not carry a user name or password.")
        if parts.scheme == "http" and not (self.allow_http_loopback and host in LOOPBACK_HOSTS):
            raise RefusedAddress(
                "An endpoint must be an https:// address"
                + (" (or http:// on this machine)." if self.allow_http_loopback else ".")
            )
        if parts.scheme not in ("https", "http"):
            raise RefusedAddress("An endpoint must be an https:// address.")
        with contextlib.suppress(UnresolvedHost):
            self.addresses(url)
        return url

    def addresses(self, url: str) -> list[IpAddress]:
        """Every address the URL's host resolves to, all of them permitted; else a refusal
        (`RefusedAddress`) or `UnresolvedHost`."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        literal = _literal(host)
        if literal is not None:
            found = [literal]
        else:
            try:
                found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in self.resolve(host, port)]
            except (OSError, UnicodeError, ValueError) as exc:
                raise UnresolvedHost(f"The host {host} does not resolve.") from exc
            if not found:
                raise UnresolvedHost(f"The host {host} does not resolve.")
        for address in found:
            why = forbidden(address)
            if why and not any(
                address in net for net in self.allowed if net.version == address.version
            ):
                raise RefusedAddress(
                    f"The endpoint's host leads to a {why} address ({address}), where webhooks "
                    "are not sent."
                )
        return found

    def permits(self, address: IpAddress) -> bool:
        """Whether the allowlist names a network holding ``address``."""
        return any(address in net for net in self.allowed if net.version == address.version)


class UnresolvedHost(Exception):
    """The host name did not resolve (at delivery: the attempt fails and is retried)."""


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def forbidden(address: IpAddress) -> str | None:
    """Why the server must not send to ``address`` (None: a public address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return forbidden(address.ipv4_mapped)  # ::ffff:127.0.0.1 is loopback in disguise
    checks: Sequence[tuple[bool, str]] = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local (cloud metadata)"),
        (address.is_multicast, "multicast"),
        (address.is_reserved, "reserved"),
        (address.is_private, "private"),
        (not address.is_global, "non-public"),
    )
    for hit, why in checks:
        if hit:
            return why
    return None
