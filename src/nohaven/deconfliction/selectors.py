"""Selectors and their one canonical form, ``v1|<type>|<platform>|<canonical value>``.

Two agencies holding the same real-world selector must produce the same bytes, or the OPRF
outputs differ and the overlap is missed. Every value is therefore validated and normalised on
the client, before anything is blinded; an invalid value is refused with the reason.

Types and policies:

- ``email``: validated by email-validator (syntax only, no DNS), then the whole address is
  lower-cased (local parts are case-insensitive in practice at every large provider).
  Platform is empty.
- ``phone``: parsed by phonenumbers with a default region for national numbers, must be a
  valid number, canonical E.164 (``+447700900123``). Platform is empty.
- ``username``: on a named platform (``[a-z0-9._-]{1,40}``, lower-cased). The name is
  Unicode-NFKC-normalised, stripped, one leading ``@`` removed, case-folded; it must not
  contain whitespace, ``|`` or control characters and is at most 256 characters.
- ``ip``: stdlib ipaddress; IPv4-mapped IPv6 becomes IPv4; IPv6 in compressed canonical form.
  An address identifies someone only at a time, so the platform field carries the UTC day
  it was seen (``YYYY-MM-DD``), which is required. Loopback, unspecified, multicast and
  link-local addresses are refused: they identify no one across borders.
- ``url``: http(s) only (a value without a scheme is read as http). The scheme itself is not
  part of the canonical form (http and https name the same resource for our purpose); the host
  is IDNA-encoded and lower-cased with any trailing dot removed; user information, the
  fragment and the default port (80, 443) are dropped; percent-escapes are upper-cased and
  those of unreserved characters decoded; ``.`` and ``..`` path segments are resolved; an
  empty path becomes ``/``; the query string is kept verbatim (parameter order can matter),
  an empty one dropped. Canonical: ``host[:port]/path[?query]``.
- ``wallet``: the platform is detected: ``btc`` for Bitcoin base58check (P2PKH/P2SH on main
  and test networks, checksum verified; case kept) and bech32 / bech32m segwit addresses
  (``bc``/``tb``; witness version 0 must be bech32, 1-16 bech32m; lower-cased); ``eth`` for
  Ethereum ``0x`` + 40 hex digits, lower-cased; a mixed-case address must carry a valid
  EIP-55 checksum (an all-lower or all-upper one carries none).
- ``hash``: MD5, SHA-1 or SHA-256 in hex, told apart by length (platform ``md5``, ``sha1``,
  ``sha256``), lower-cased.
"""

from __future__ import annotations

import ipaddress
import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import unquote, urlsplit

import base58
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from embit import bech32  # type: ignore[import-untyped]

from nohaven.deconfliction.keccak import keccak256

VERSION = "v1"
SELECTOR_TYPES = ("email", "phone", "username", "ip", "url", "wallet", "hash")
_PLATFORM = re.compile(r"[a-z0-9._-]{1,40}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_HASH_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256"}
_BASE58_VERSIONS = {0x00, 0x05, 0x6F, 0xC4}
_UNRESERVED = set(string.ascii_letters + string.digits + "-._~")
_MAX_VALUE = 2048


class InvalidSelector(ValueError):
    """A value that cannot be a selector of its type; the message says why."""


@dataclass(frozen=True)
class Selector:
    type: str
    platform: str
    value: str

    @property
    def canonical(self) -> str:
        return f"{VERSION}|{self.type}|{self.platform}|{self.value}"

    def encode(self) -> bytes:
        return self.canonical.encode()


def normalise(
    selector_type: str,
    value: str,
    *,
    platform: str | None = None,
    region: str = "GB",
    seen: date | datetime | None = None,
) -> Selector:
    """Validate and canonicalise one selector or raise `InvalidSelector` with the reason."""
    kind = selector_type.strip().lower()
    if kind not in SELECTOR_TYPES:
        raise InvalidSelector(f"unknown selector type {selector_type!r}")
    if not isinstance(value, str) or not value.strip():
        raise InvalidSelector("the value is empty")
    if len(value) > _MAX_VALUE:
        raise InvalidSelector(f"the value is longer than {_MAX_VALUE} characters")
    value = value.strip()
    match kind:
        case "email":
            return Selector("email", "", _email(value))
        case "phone":
            return Selector("phone", "", _phone(value, region))
        case "username":
            return Selector("username", _platform(platform), _username(value))
        case "ip":
            return Selector("ip", _day(seen), _ip(value))
        case "url":
            return Selector("url", "", _url(value))
        case "wallet":
            chain, canonical = _wallet(value)
            return Selector("wallet", chain, canonical)
        case _:
            algorithm, canonical = _file_hash(value)
            return Selector("hash", algorithm, canonical)


def _email(value: str) -> str:
    try:
        found = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidSelector(f"not an e-mail address: {exc}") from exc
    return found.normalized.lower()


def _phone(value: str, region: str) -> str:
    try:
        number = phonenumbers.parse(value, region.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidSelector(f"not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidSelector("not a valid phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _platform(platform: str | None) -> str:
    name = (platform or "").strip().lower()
    if not _PLATFORM.fullmatch(name):
        raise InvalidSelector("a username needs a platform name (letters, digits, . _ -)")
    return name


def _username(value: str) -> str:
    name = unicodedata.normalize("NFKC", value).strip()
    name = name.removeprefix("@").casefold()
    if not name:
        raise InvalidSelector("the username is empty")
    if len(name) > 256:
        raise InvalidSelector("the username is longer than 256 characters")
    if any(ch.isspace() or ch == "|" or unicodedata.category(ch)[0] == "C" for ch in name):
        raise InvalidSelector("a username cannot contain spaces, '|' or control characters")
    return name


def _day(seen: date | datetime | None) -> str:
    if seen is None:
        raise InvalidSelector("an IP address needs the UTC date it was seen")
    if isinstance(seen, datetime):
        if seen.tzinfo is None:
            raise InvalidSelector("the time an IP address was seen needs a time zone")
        seen = seen.astimezone(UTC).date()
    return seen.isoformat()


def _ip(value: str) -> str:
    try:
        address = ipaddress.ip_address(value.strip("[]"))
    except ValueError as exc:
        raise InvalidSelector("not an IPv4 or IPv6 address") from exc
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        raise InvalidSelector("loopback, unspecified and multicast addresses identify no one")
    if address.is_link_local:
        raise InvalidSelector("link-local addresses identify no one across networks")
    return address.compressed


def _url(value: str) -> str:
    if any(ch.isspace() for ch in value):
        raise InvalidSelector("a URL cannot contain spaces")
    if "://" not in value:
        value = "http://" + value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise InvalidSelector(f"not a URL: {exc}") from exc
    if parts.scheme.lower() not in {"http", "https"}:
        raise InvalidSelector("only http and https URLs are selectors")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidSelector("the URL has no host")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise InvalidSelector("the URL's host name is not a valid domain name") from exc
    if ":" in host:
        host = f"[{ipaddress.ip_address(host).compressed}]"
    default = 443 if parts.scheme.lower() == "https" else 80
    netloc = host if port in (None, default) else f"{host}:{port}"
    path = _resolve_dots(_normalise_escapes(parts.path)) or "/"
    query = _normalise_escapes(parts.query)
    return netloc + path + (f"?{query}" if query else "")


def _normalise_escapes(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        char = unquote(match.group(0))
        return char if char in _UNRESERVED else match.group(0).upper()

    return re.sub(r"%[0-9A-Fa-f]{2}", fix, text)


def _resolve_dots(path: str) -> str:
    if not path:
        return ""
    out: list[str] = []
    segments = path.split("/")
    for segment in segments[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in {".", ".."}:
        out.append("")
    return "/" + "/".join(out)


def _wallet(value: str) -> tuple[str, str]:
    if value[:2].lower() == "0x":
        return "eth", _ethereum(value)
    if value[:3].lower() in {"bc1", "tb1"}:
        hrp = value[:2].lower()
        version, program = bech32.decode(hrp, value)
        if version is None or program is None:
            raise InvalidSelector(
                "not a valid bech32/bech32m segwit address (checksum, length or encoding)"
            )
        return "btc", value.lower()
    try:
        payload = base58.b58decode_check(value)
    except ValueError as exc:
        raise InvalidSelector("not a valid Bitcoin or Ethereum address (checksum)") from exc
    if len(payload) != 21 or payload[0] not in _BASE58_VERSIONS:
        raise InvalidSelector("not a Bitcoin P2PKH or P2SH address")
    return "btc", value


def _ethereum(value: str) -> str:
    digits = value[2:]
    if len(digits) != 40 or not _HEX.fullmatch(digits):
        raise InvalidSelector("an Ethereum address is 0x and 40 hex digits")
    lower = digits.lower()
    if digits not in {lower, digits.upper()}:
        check = keccak256(lower.encode()).hex()
        expected = "".join(
            ch.upper() if ch.isalpha() and int(check[i], 16) >= 8 else ch
            for i, ch in enumerate(lower)
        )
        if digits != expected:
            raise InvalidSelector("the Ethereum address's EIP-55 checksum does not match")
    return "0x" + lower


def _file_hash(value: str) -> tuple[str, str]:
    algorithm = _HASH_LENGTHS.get(len(value))
    if algorithm is None:
        raise InvalidSelector("a file hash is MD5 (32), SHA-1 (40) or SHA-256 (64) hex digits")
    if not _HEX.fullmatch(value):
        raise InvalidSelector("a file hash contains only hex digits")
    return algorithm, value.lower()
