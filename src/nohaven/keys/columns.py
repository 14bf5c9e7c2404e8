"""Every sealed column of every domain: each domain's models module lists its own in
``sealed_columns()``; this collects them, so rotation, checks and backups miss none."""

from __future__ import annotations

from nohaven.domains import domain_modules
from nohaven.kit.crypto import SealedColumn


def sealed_columns() -> list[SealedColumn]:
    found: list[SealedColumn] = []
    for module in domain_modules("models"):
        listed = getattr(module, "sealed_columns", None)
        if listed is not None:
            found.extend(listed())
    return found


def by_table() -> dict[str, list[SealedColumn]]:
    grouped: dict[str, list[SealedColumn]] = {}
    for column in sealed_columns():
        grouped.setdefault(column.table, []).append(column)
    return dict(sorted(grouped.items()))
