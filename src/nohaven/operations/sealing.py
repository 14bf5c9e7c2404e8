"""Sealing what operations hold about people: each value bound to its table, field and row,
so a sealed value copied elsewhere does not open."""

from __future__ import annotations

from nohaven.keys.ring import data_keyring
from nohaven.kit.crypto import seal, unseal


def _context(table: str, field: str, row_id: str) -> str:
    return f"{table}.{field}:{row_id}"


def seal_value(table: str, field: str, row_id: str, value: str | None) -> str | None:
    if value is None:
        return None
    return seal(data_keyring(), value, context=_context(table, field, row_id))


def open_value(table: str, field: str, row_id: str, sealed: str | None) -> str | None:
    if sealed is None:
        return None
    return unseal(data_keyring(), sealed, context=_context(table, field, row_id))
