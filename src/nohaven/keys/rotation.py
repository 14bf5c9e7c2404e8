"""Rotating the key-encryption key: every sealed value's data key re-wrapped under the current
key, batch by batch, each batch in its own transaction with its audit entry and the cursor it
advances, so an interrupted rotation resumes where it stopped.

The procedure (docs/operations.md): make a new key (`nohaven keys new`), configure it as
NOHAVEN_DATA_KEY and the old one in NOHAVEN_DATA_KEYS_PREVIOUS (servers then seal under the
new key and still open the old), run `nohaven keys rotate`, and once it reports finished,
remove the old key from NOHAVEN_DATA_KEYS_PREVIOUS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session, sessionmaker

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.keys.models import KeyRotation, RotationStatus
from nohaven.keys.service import census, sealed_tables
from nohaven.kit.clock import utcnow
from nohaven.kit.crypto import Keyring, SealedColumn, rewrap, sealed_key_id

# Values written by a server still on the old configuration during a rotation are caught by
# another pass; more passes than this means servers were not reconfigured.
MAX_PASSES = 3


class RotationInterrupted(RuntimeError):
    pass


@dataclass
class RotationReport:
    rotation_id: str
    target_key_id: str
    resumed: bool
    rewrapped: int
    finished: bool
    census: dict[str, int] = field(default_factory=dict)


def total_rows(session: Session) -> int:
    return sum(
        int(session.scalar(select(func.count()).select_from(table)) or 0)
        for table, _ in sealed_tables()
    )


def _rows_done(session: Session, rotation: KeyRotation) -> int:
    tables = sealed_tables()
    done = 0
    for position, (table, columns) in enumerate(tables):
        pk = table.c[columns[0].primary_key]
        if position < rotation.table_position:
            done += int(session.scalar(select(func.count()).select_from(table)) or 0)
        elif position == rotation.table_position and rotation.after_id is not None:
            done += int(
                session.scalar(
                    select(func.count()).select_from(table).where(pk <= rotation.after_id)
                )
                or 0
            )
    return done


def _begin(session: Session, ring: Keyring, actor: Actor) -> tuple[KeyRotation, bool]:
    running = list(
        session.execute(
            select(KeyRotation)
            .where(KeyRotation.status == RotationStatus.RUNNING)
            .with_for_update()
        ).scalars()
    )
    for rotation in running:
        if rotation.target_key_id == ring.current_id:
            audit.record(
                session,
                actor=actor,
                action="keys.rotation.resume",
                resource_type="key_rotation",
                resource_id=rotation.id,
                summary={"target_key_id": rotation.target_key_id, "rewrapped": rotation.rewrapped},
            )
            return rotation, True
        rotation.status = RotationStatus.SUPERSEDED
        rotation.updated_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="keys.rotation.supersede",
            resource_type="key_rotation",
            resource_id=rotation.id,
            summary={"target_key_id": rotation.target_key_id, "by": ring.current_id},
        )
    rotation = KeyRotation(target_key_id=ring.current_id, started_at=utcnow(), updated_at=utcnow())
    session.add(rotation)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="keys.rotation.start",
        resource_type="key_rotation",
        resource_id=rotation.id,
        summary={"target_key_id": ring.current_id, "readable_key_ids": ring.ids},
    )
    return rotation, False


def _batch(
    session: Session,
    ring: Keyring,
    table: Table,
    columns: list[SealedColumn],
    after_id: str | None,
    size: int,
) -> tuple[int, int, str | None]:
    """Rewrap one batch of rows after ``after_id``: (rows seen, values rewrapped, last id)."""
    pk = table.c[columns[0].primary_key]
    query = select(pk, *(table.c[c.column] for c in columns)).order_by(pk).limit(size)
    if after_id is not None:
        query = query.where(pk > after_id)
    # Locked, so a value changed by a server meanwhile is not overwritten by its old self.
    rows = session.execute(query.with_for_update()).all()
    rewrapped = 0
    for row in rows:
        changes = {}
        for column, value in zip(columns, row[1:], strict=True):
            if value is not None and sealed_key_id(value) != ring.current_id:
                changes[column.column] = rewrap(ring, value)
        if changes:
            session.execute(table.update().where(pk == row[0]).values(**changes))
            rewrapped += len(changes)
    return len(rows), rewrapped, (str(rows[-1][0]) if rows else None)


def _step(
    session: Session,
    ring: Keyring,
    rotation: KeyRotation,
    tables: list[tuple[Table, list[SealedColumn]]],
    batch_size: int,
    actor: Actor,
) -> int:
    """Advance the rotation by one batch (or one table, or to the end); the rows covered."""
    if rotation.table_position >= len(tables):
        stale = {k: n for k, n in census(session).items() if k != ring.current_id}
        if stale and rotation.passes < MAX_PASSES:
            # Written under an old key since the pass began: go round once more.
            rotation.passes += 1
            rotation.table_position, rotation.after_id = 0, None
            return 0
        if stale:
            raise RotationInterrupted(
                f"values are still sealed under {sorted(stale)} after {MAX_PASSES} passes: "
                "is every server configured with the new key?"
            )
        rotation.status = RotationStatus.FINISHED
        rotation.finished_at = rotation.updated_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="keys.rotation.finish",
            resource_type="key_rotation",
            resource_id=rotation.id,
            summary={"target_key_id": rotation.target_key_id, "rewrapped": rotation.rewrapped},
        )
        return 0
    table, columns = tables[rotation.table_position]
    seen, rewrapped, last = _batch(session, ring, table, columns, rotation.after_id, batch_size)
    if seen == 0:
        rotation.table_position += 1
        rotation.after_id = None
        return 0
    rotation.after_id = last
    rotation.rewrapped += rewrapped
    rotation.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="keys.rotation.batch",
        resource_type="key_rotation",
        resource_id=rotation.id,
        summary={"table": table.name, "rows": seen, "rewrapped": rewrapped},
    )
    return seen


def rotate(
    maker: sessionmaker[Session],
    ring: Keyring,
    *,
    batch_size: int = 500,
    actor: Actor | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> RotationReport:
    """Re-wrap every sealed value under ``ring.current``; resumes a rotation to the same key.

    Each step is its own transaction, the rotation row locked in it, so two runs at once
    share the work instead of repeating it. ``on_start(total_rows, rows_done)`` and
    ``on_batch(rows)`` (after each committed batch) report progress.
    """
    who = actor or Actor.system("keys rotate")
    with maker() as session:
        rotation, resumed = _begin(session, ring, who)
        total, done = total_rows(session), _rows_done(session, rotation)
        rotation_id = rotation.id
        before = rotation.rewrapped
        session.commit()
    if on_start:
        on_start(total, done)
    tables = sealed_tables()
    while True:
        with maker() as session:
            current = session.get(KeyRotation, rotation_id, with_for_update=True)
            if current is None or current.status != RotationStatus.RUNNING:
                break
            rows = _step(session, ring, current, tables, batch_size, who)
            session.commit()
        if rows and on_batch:
            on_batch(rows)
    with maker() as session:
        final = session.get(KeyRotation, rotation_id)
        return RotationReport(
            rotation_id=rotation_id,
            target_key_id=ring.current_id,
            resumed=resumed,
            rewrapped=(final.rewrapped - before) if final else 0,
            finished=final is not None and final.status == RotationStatus.FINISHED,
            census=census(session),
        )
