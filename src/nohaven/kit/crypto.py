"""Envelope encryption for personal data at rest.

Each value gets its own random data key (AES-256-GCM); the data key is wrapped with a
key-encryption key (KEK) from configuration. A sealed value names the KEK that wraps it (an
8-byte key id, a fingerprint of the key), so a deployment can hold a new KEK and previous ones
at once: values are sealed under the current key and opened under whichever key they name.
Rotating the KEK re-wraps each value's data key (`rewrap`) without touching the value's
ciphertext, and a database dump alone decrypts nothing.

Layout, base64 of:
  format 2: 0x02 | key id (8) | wrap nonce (12) | wrapped data key (48) | nonce (12) | body
  format 1: 0x01 |              wrap nonce (12) | wrapped data key (48) | nonce (12) | body
Format 1 (before key ids) is still read: it is tried under every key of the ring.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_V1 = b"\x01"
_V2 = b"\x02"
_KEY_ID_BYTES = 8
_WRAPPED = 12 + 48  # wrap nonce + wrapped data key (32 bytes + 16-byte tag)
_MIN_BODY = 12 + 16  # nonce + tag of an empty value


class SealError(ValueError):
    pass


def load_key(encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as exc:
        raise SealError("the data key must be base64") from exc
    if len(key) != 32:
        raise SealError("the data key must be 32 bytes (base64 of 32 random bytes)")
    return key


def new_key() -> str:
    """A fresh key-encryption key, base64 of 32 random bytes."""
    return base64.b64encode(os.urandom(32)).decode()


def key_id(kek: bytes) -> str:
    """The key's public name: a fingerprint that reveals nothing about the key itself."""
    return hashlib.sha256(b"nohaven data key id\x00" + kek).digest()[:_KEY_ID_BYTES].hex()


@dataclass(frozen=True)
class Keyring:
    """The current KEK (seals) and previous ones (still open what they sealed)."""

    current: bytes
    previous: tuple[bytes, ...] = ()

    @classmethod
    def from_config(cls, current: str, previous: Iterable[str] = ()) -> Keyring:
        return cls(load_key(current), tuple(load_key(k) for k in previous if k.strip()))

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    @property
    def ids(self) -> list[str]:
        return [key_id(k) for k in (self.current, *self.previous)]

    def by_id(self, kid: str) -> bytes:
        for key in (self.current, *self.previous):
            if key_id(key) == kid:
                return key
        raise SealError(
            f"the value is sealed under key {kid}, which is not configured "
            "(NOHAVEN_DATA_KEY or NOHAVEN_DATA_KEYS_PREVIOUS)"
        )


@dataclass(frozen=True)
class _Envelope:
    version: bytes
    kid: str | None  # None for format 1
    wrap: bytes  # wrap nonce + wrapped data key
    body: bytes  # data nonce + ciphertext

    def aad(self) -> bytes:
        return _V1 if self.kid is None else _V2 + bytes.fromhex(self.kid)


def _parse(sealed: str) -> _Envelope:
    try:
        raw = base64.b64decode(sealed, validate=True)
    except binascii.Error as exc:
        raise SealError("sealed value is not base64") from exc
    head = raw[:1]
    if head == _V2 and len(raw) >= 1 + _KEY_ID_BYTES + _WRAPPED + _MIN_BODY:
        at = 1 + _KEY_ID_BYTES
        return _Envelope(_V2, raw[1:at].hex(), raw[at : at + _WRAPPED], raw[at + _WRAPPED :])
    if head == _V1 and len(raw) >= 1 + _WRAPPED + _MIN_BODY:
        return _Envelope(_V1, None, raw[1 : 1 + _WRAPPED], raw[1 + _WRAPPED :])
    raise SealError("sealed value has an unknown format")


def _unwrap(kek: bytes, envelope: _Envelope) -> bytes:
    return AESGCM(kek).decrypt(envelope.wrap[:12], envelope.wrap[12:], envelope.aad())


def _open_data_key(ring: Keyring, envelope: _Envelope) -> bytes:
    candidates = (
        [ring.by_id(envelope.kid)] if envelope.kid is not None else [ring.current, *ring.previous]
    )
    for kek in candidates:
        try:
            return _unwrap(kek, envelope)
        except InvalidTag:
            continue
    raise SealError("sealed value does not open with the configured keys")


def _wrap(ring: Keyring, dek: bytes) -> bytes:
    kid = bytes.fromhex(ring.current_id)
    nonce = os.urandom(12)
    return _V2 + kid + nonce + AESGCM(ring.current).encrypt(nonce, dek, _V2 + kid)


def _ring(keys: Keyring | bytes) -> Keyring:
    return keys if isinstance(keys, Keyring) else Keyring(keys)


def seal(keys: Keyring | bytes, plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext`` under the current key; ``context`` (e.g. "users.totp:<id>") is
    bound as associated data, so a sealed value copied into another row or field does not
    open there."""
    dek = AESGCM.generate_key(bit_length=256)
    data_nonce = os.urandom(12)
    body = AESGCM(dek).encrypt(data_nonce, plaintext.encode(), context.encode())
    return base64.b64encode(_wrap(_ring(keys), dek) + data_nonce + body).decode()


def unseal(keys: Keyring | bytes, sealed: str, *, context: str) -> str:
    envelope = _parse(sealed)
    dek = _open_data_key(_ring(keys), envelope)
    try:
        return (
            AESGCM(dek).decrypt(envelope.body[:12], envelope.body[12:], context.encode()).decode()
        )
    except InvalidTag as exc:
        raise SealError("sealed value does not open with this key and context") from exc


def sealed_key_id(sealed: str) -> str | None:
    """The id of the key a value is sealed under; None for a format-1 value (no id)."""
    return _parse(sealed).kid


def rewrap(ring: Keyring, sealed: str) -> str:
    """The same value with its data key wrapped under the ring's current key. Needs no context:
    the value's ciphertext is carried over untouched."""
    envelope = _parse(sealed)
    if envelope.kid == ring.current_id:
        return sealed
    dek = _open_data_key(ring, envelope)
    return base64.b64encode(_wrap(ring, dek) + envelope.body).decode()


@dataclass(frozen=True)
class SealedColumn:
    """A column holding values sealed under the data keys, and how its values' context is
    built (``table.field:row-id``), so rotation, checks and backups can find every one."""

    table: str
    column: str
    # The field name bound into the context when it differs from the column's name.
    field: str | None = None
    primary_key: str = "id"

    def context(self, row_id: str) -> str:
        return f"{self.table}.{self.field or self.column}:{row_id}"
