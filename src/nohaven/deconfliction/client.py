"""The agency-side client: normalise, blind, have the server evaluate, finalise, derive.

Everything that touches a selector in plaintext happens here, on the agency's machine:

    output      = OPRF(server key, "v1|<type>|<platform>|<value>")
    token       = HKDF-SHA256(output, info="match")     -> sent to the server to register
    contact key = HKDF-SHA256(output, info="contact")   -> never leaves the client

The case officer's contact card is sealed under the contact key (ChaCha20-Poly1305), so only
an agency that holds the same selector (and therefore the same contact key) can open it.
The server sees blinded elements and tokens only.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nohaven.deconfliction import oprf
from nohaven.deconfliction.selectors import Selector

_CARD_AAD = b"nohaven/deconfliction/contact-card/v1"
DEFAULT_BATCH = 5000


class ClientError(Exception):
    """The server refused, or answered something the client cannot use."""


def _hkdf(output: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(output)


def derive(output: bytes) -> tuple[str, bytes]:
    """(token hex, contact key) from an OPRF output."""
    return _hkdf(output, b"match").hex(), _hkdf(output, b"contact")


def seal_card(contact_key: bytes, card: dict[str, str]) -> str:
    nonce = os.urandom(12)
    body = ChaCha20Poly1305(contact_key).encrypt(nonce, json.dumps(card).encode(), _CARD_AAD)
    return base64.b64encode(nonce + body).decode()


def open_card(contact_key: bytes, sealed: str) -> dict[str, str]:
    """Open a counterpart's contact card; fails unless we hold the same selector."""
    try:
        raw = base64.b64decode(sealed, validate=True)
        plain = ChaCha20Poly1305(contact_key).decrypt(raw[:12], raw[12:], _CARD_AAD)
    except (ValueError, InvalidTag) as exc:
        raise ClientError("the contact card does not open with this selector's key") from exc
    card = json.loads(plain)
    if not isinstance(card, dict):
        raise ClientError("the contact card is not a card")
    return {str(k): str(v) for k, v in card.items()}


@dataclass(frozen=True)
class Blinded:
    selector: Selector
    blind: bytes
    element: bytes


@dataclass(frozen=True)
class Derived:
    selector: Selector
    token: str
    contact_key: bytes


def blind_all(selectors: Sequence[Selector]) -> list[Blinded]:
    out = []
    for selector in selectors:
        r, element = oprf.blind(selector.encode())
        out.append(Blinded(selector, r, element))
    return out


def finish_all(blinded: Sequence[Blinded], evaluated: Sequence[bytes]) -> list[Derived]:
    if len(evaluated) != len(blinded):
        raise ClientError("the server answered a different number of elements")
    try:
        outputs = oprf.finalize_batch(
            [b.selector.encode() for b in blinded], [b.blind for b in blinded], evaluated
        )
    except oprf.OprfError as exc:
        raise ClientError("the server answered an invalid element") from exc
    out = []
    for item, output in zip(blinded, outputs, strict=True):
        token, contact_key = derive(output)
        out.append(Derived(item.selector, token, contact_key))
    return out


class Transport(Protocol):
    """How the client reaches the server: over HTTP, or in-process for the local CLI."""

    def evaluate(self, elements: Sequence[bytes]) -> tuple[int, list[bytes]]: ...

    def register(self, payload: dict[str, Any]) -> dict[str, Any]: ...

    def hits(self) -> list[dict[str, Any]]: ...


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class HttpTransport:
    """Over the JSON API. ``http`` lets a caller pass its own client (tests, connection reuse)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 120.0,
        http: httpx.Client | None = None,
    ) -> None:
        self.http = http or httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        self.prefix = "/api/v1/deconfliction"
        self.headers = {"Authorization": f"Bearer {token}"}

    def _check(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ClientError(f"{response.status_code}: {detail}")
        return response.json()

    def evaluate(self, elements: Sequence[bytes]) -> tuple[int, list[bytes]]:
        body = self._check(
            self.http.post(
                self.prefix + "/evaluate",
                json={"elements": [_b64(e) for e in elements]},
                headers=self.headers,
            )
        )
        return int(body["key_epoch"]), [base64.b64decode(e) for e in body["elements"]]

    def register(self, payload: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._check(
            self.http.post(self.prefix + "/registrations", json=payload, headers=self.headers)
        )
        return result

    def hits(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._check(
            self.http.get(self.prefix + "/hits", headers=self.headers)
        )
        return result

    def close(self) -> None:
        self.http.close()


@dataclass
class RegistrationReport:
    registered: int = 0
    duplicates: int = 0
    hits: int = 0
    key_epoch: int = 0


def register_selectors(
    transport: Transport,
    *,
    selectors: Sequence[Selector],
    case_reference: str,
    handling_code: str,
    contact_card: dict[str, str],
    masked: bool = False,
    expires_at: datetime | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> tuple[RegistrationReport, list[Derived]]:
    """Blind, evaluate, finalise and register ``selectors`` in batches. Returns the report and
    the derived tokens and contact keys (kept by the caller to open counterparts' cards)."""
    report = RegistrationReport()
    derived_all: list[Derived] = []
    chunks = [selectors[i : i + batch_size] for i in range(0, len(selectors), batch_size)]
    # Blind the next batch while the server works on this one: libsodium runs outside the
    # GIL, and the client and the server use different cores.
    with ThreadPoolExecutor(max_workers=1) as ahead:
        pending = ahead.submit(blind_all, chunks[0]) if chunks else None
        for index, chunk in enumerate(chunks):
            assert pending is not None  # noqa: S101 - set for every chunk
            blinded = pending.result()
            if index + 1 < len(chunks):
                pending = ahead.submit(blind_all, chunks[index + 1])
            epoch, evaluated = transport.evaluate([b.element for b in blinded])
            derived = finish_all(blinded, evaluated)
            payload: dict[str, Any] = {
                "case_reference": case_reference,
                "handling_code": handling_code,
                "masked": masked,
                "key_epoch": epoch,
                "items": [
                    {
                        "token": d.token,
                        "selector_type": d.selector.type,
                        "sealed_contact": seal_card(d.contact_key, contact_card),
                    }
                    for d in derived
                ],
            }
            if expires_at is not None:
                payload["expires_at"] = expires_at.isoformat()
            result = transport.register(payload)
            report.registered += int(result["registered"])
            report.duplicates += int(result["duplicates"])
            report.hits += int(result["hits"])
            report.key_epoch = epoch
            derived_all.extend(derived)
            if progress is not None:
                progress(len(chunk))
    return report, derived_all


def open_hit_cards(hit: dict[str, Any], derived: Iterable[Derived]) -> list[dict[str, str]]:
    """Open the counterparts' contact cards of a hit record with our own contact key: the
    record names our own token, which says which of our selectors it is."""
    keys = {d.token: d.contact_key for d in derived}
    key = keys.get(hit["own"]["token"])
    if key is None:
        raise ClientError("this hit is about a selector that was not registered here")
    return [
        open_card(key, counterpart["sealed_contact"])
        for counterpart in hit["counterparts"]
        if counterpart.get("sealed_contact")
    ]
