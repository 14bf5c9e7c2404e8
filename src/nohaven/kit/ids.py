"""Identifiers and secrets."""

from __future__ import annotations

import hashlib
import secrets
import uuid


def new_id() -> str:
    return uuid.uuid4().hex


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def sha256_hex(value: str | bytes) -> str:
    data = value.encode() if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()


def is_id(value: str) -> bool:
    """Whether ``value`` has the shape of an identifier ``new_id`` makes: checked before a
    lookup, so a malformed one is simply not found."""
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)
