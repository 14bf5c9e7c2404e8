"""Imports every domain's ORM module so metadata is complete (for Alembic and tests)."""

from __future__ import annotations

from nohaven.domains import domain_modules


def import_all_models() -> None:
    domain_modules("models")
