"""The server's OPRF key: from configuration or a key file, never from the database.

The configured secret is a 32-byte seed (64 hex digits or base64), turned into the key pair
with RFC 9497 DeriveKeyPair. In demo mode, with nothing configured, a demo key derived from a
fixed, public seed is used; outside demo mode the server refuses to evaluate without a key.
The database records only each key epoch's public key, so that a key changed without
``nohaven deconflict rotate-key`` is noticed instead of silently breaking every match.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache

from nohaven.config import Settings
from nohaven.deconfliction import oprf
from nohaven.errors import NohavenError

KEY_INFO = b"nohaven deconfliction v1"
DEMO_SEED = hashlib.sha256(b"nohaven demo OPRF seed - public, never for real cases").digest()


class KeyUnavailable(NohavenError):
    status_code = 503
    title = "Deconfliction key unavailable"
    type_slug = "deconfliction-key-unavailable"


def _decode_seed(text: str) -> bytes:
    text = text.strip()
    try:
        seed = bytes.fromhex(text)
    except ValueError:
        try:
            seed = base64.b64decode(text, validate=True)
        except binascii.Error:
            seed = b""
    if len(seed) != 32:
        raise KeyUnavailable("The OPRF key must be 32 bytes, as 64 hex digits or base64.")
    return seed


@lru_cache(maxsize=8)
def _pair(seed: bytes) -> oprf.KeyPair:
    return oprf.derive_key_pair(seed, KEY_INFO)


def server_key(settings: Settings) -> oprf.KeyPair:
    """The configured key pair, or `KeyUnavailable` (503) saying what to configure."""
    if settings.oprf_key is not None and settings.oprf_key.get_secret_value().strip():
        return _pair(_decode_seed(settings.oprf_key.get_secret_value()))
    if settings.oprf_key_file is not None:
        try:
            text = settings.oprf_key_file.read_text()
        except OSError as exc:
            raise KeyUnavailable(f"The OPRF key file cannot be read: {exc.strerror}.") from exc
        return _pair(_decode_seed(text))
    if settings.demo:
        return _pair(DEMO_SEED)
    raise KeyUnavailable(
        "No OPRF key is configured: set NOHAVEN_OPRF_KEY or NOHAVEN_OPRF_KEY_FILE "
        "(generate one with `nohaven deconflict new-key`)."
    )
