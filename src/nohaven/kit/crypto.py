"""Envelope encryption for personal data at rest.

Each value gets its own random data key (AES-256-GCM); the data key is wrapped with the
key-encryption key from configuration. Rotating the key-encryption key re-wraps data keys
without touching values, and a database dump alone decrypts nothing.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"


class SealError(ValueError):
    pass


def load_key(encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise SealError("the data key must be base64") from exc
    if len(key) != 32:
        raise SealError("the data key must be 32 bytes (base64 of 32 random bytes)")
    return key


def seal(kek: bytes, plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext``; ``context`` (e.g. "users.totp:<id>") is bound as associated data,
    so a sealed value copied into another row or field does not open there."""
    dek = AESGCM.generate_key(bit_length=256)
    wrap_nonce, data_nonce = os.urandom(12), os.urandom(12)
    wrapped = AESGCM(kek).encrypt(wrap_nonce, dek, _VERSION)
    body = AESGCM(dek).encrypt(data_nonce, plaintext.encode(), context.encode())
    return base64.b64encode(_VERSION + wrap_nonce + wrapped + data_nonce + body).decode()


def unseal(kek: bytes, sealed: str, *, context: str) -> str:
    try:
        raw = base64.b64decode(sealed, validate=True)
    except binascii.Error as exc:
        raise SealError("sealed value is not base64") from exc
    if raw[:1] != _VERSION or len(raw) < 1 + 12 + 48 + 12 + 16:
        raise SealError("sealed value has an unknown format")
    wrap_nonce, wrapped = raw[1:13], raw[13:61]
    data_nonce, body = raw[61:73], raw[73:]
    try:
        dek = AESGCM(kek).decrypt(wrap_nonce, wrapped, _VERSION)
        return AESGCM(dek).decrypt(data_nonce, body, context.encode()).decode()
    except InvalidTag as exc:
        raise SealError("sealed value does not open with this key and context") from exc
