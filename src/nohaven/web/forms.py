"""Turning a refused form into the message shown above it."""

from __future__ import annotations

from pydantic import ValidationError

from nohaven.errors import NohavenError

MAX_PROBLEMS = 6


def validation_message(exc: ValidationError) -> str:
    """One line naming each field that is wrong and why, as a person reads it."""
    parts = []
    for err in exc.errors()[:MAX_PROBLEMS]:
        where = ".".join(str(p) for p in err["loc"]) or "form"
        parts.append(f"{where}: {str(err['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts)


def form_problem(exc: ValidationError | NohavenError) -> tuple[str, int]:
    """The message and the 4xx status for a form that was refused."""
    if isinstance(exc, ValidationError):
        return validation_message(exc), 422
    return exc.detail, exc.status_code
