"""Helpers shared by the governance pages."""

from __future__ import annotations

from datetime import UTC, datetime

from nohaven.errors import InvalidInput


def utc_from_form(value: str, field: str) -> datetime:
    """A ``datetime-local`` value read as UTC (the forms say so)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{value!r} is not a date and time.", errors=[{"field": field, "message": "invalid"}]
        ) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
