"""Sealing personal data of travel notifications: each value bound to its table, field and row,
so a sealed value copied elsewhere does not open."""

from __future__ import annotations

from nohaven.config import get_settings
from nohaven.kit.crypto import load_key, seal, unseal


def _kek() -> bytes:
    return load_key(get_settings().data_key.get_secret_value())


def _context(table: str, field: str, row_id: str) -> str:
    return f"{table}.{field}:{row_id}"


def seal_value(table: str, field: str, row_id: str, value: str | None) -> str | None:
    if value is None:
        return None
    return seal(_kek(), value, context=_context(table, field, row_id))


def open_value(table: str, field: str, row_id: str, sealed: str | None) -> str | None:
    if sealed is None:
        return None
    return unseal(_kek(), sealed, context=_context(table, field, row_id))
