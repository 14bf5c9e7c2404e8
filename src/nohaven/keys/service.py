"""Looking at the sealed values as a whole: which key each is under, and whether each opens."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.db import Base
from nohaven.keys.columns import by_table
from nohaven.kit.crypto import Keyring, SealedColumn, SealError, sealed_key_id, unseal
from nohaven.models import import_all_models

FORMAT_1 = "format-1"  # values sealed before key ids existed


def sealed_tables() -> list[tuple[Table, list[SealedColumn]]]:
    import_all_models()
    return [(Base.metadata.tables[name], cols) for name, cols in by_table().items()]


def census(session: Session) -> dict[str, int]:
    """How many sealed values each key id holds (format-1 values under ``FORMAT_1``)."""
    counts: Counter[str] = Counter()
    for table, columns in sealed_tables():
        for column in columns:
            values = session.execute(
                select(table.c[column.column]).where(table.c[column.column].is_not(None))
            ).scalars()
            for value in values.yield_per(2000):
                counts[sealed_key_id(value) or FORMAT_1] += 1
    return dict(counts)


@dataclass
class CheckReport:
    opened: int = 0
    # (table, column, row id, why) of each value that does not open.
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def check(session: Session, ring: Keyring, *, actor: Actor) -> CheckReport:
    """Open every sealed value in its own context (nothing is shown or kept): after a
    rotation or a restore, proof that each one still opens with the configured keys."""
    report = CheckReport()
    for table, columns in sealed_tables():
        pk = table.c[columns[0].primary_key]
        for column in columns:
            rows = session.execute(
                select(pk, table.c[column.column]).where(table.c[column.column].is_not(None))
            )
            for row_id, value in rows.yield_per(2000):
                try:
                    unseal(ring, value, context=column.context(str(row_id)))
                    report.opened += 1
                except SealError as exc:
                    report.failures.append((table.name, column.column, str(row_id), str(exc)))
    audit.record(
        session,
        actor=actor,
        action="keys.check",
        resource_type="sealed_values",
        summary={"opened": report.opened, "failed": len(report.failures)},
    )
    return report
