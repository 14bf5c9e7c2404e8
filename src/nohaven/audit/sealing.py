"""The sealer: numbers committed audit entries and chains them, like a transparency log's
sequencer.

Why not chain at insert time? Then every transaction that audits anything (nearly all of them)
must read and move the chain head, which is a global lock held from its first audit entry to
its commit: the platform runs one transaction at a time. Instead a transaction only inserts its
entries, unsealed, and the sealer, one at a time across every process and host (it holds the
head row's lock), later hands out the next ``seq`` numbers in the order it finds committed
entries and computes each ``entry_hash`` over the entry and the previous hash. A sealing
transaction touches only audit rows and is short, so nothing else ever waits on the chain.

What this costs: an entry is covered by the chain only once sealed. Until then the database's
triggers still refuse to change or delete it, and `verify` reports the unsealed tail (how many,
how old), which stays small while the ``audit.seal`` job runs (every few seconds, see
nohaven.jobs). ``seq`` order is the order of sealing, which follows commit order: an entry
is sealed only after its transaction committed, and entries of one transaction keep the order
they were written in.

A signed checkpoint only needs `sealed_head`: a seq and its hash name the whole chain up to it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry, AuditHead
from nohaven.kit.clock import utcnow

GENESIS = "0" * 64
# Entries sealed per transaction: enough to keep up with any load we serve, small enough that
# a sealing transaction stays well under a second.
SEAL_BATCH = 5000


class _Content(Protocol):
    """What the digest reads of an entry besides its place: an ORM entry or a result row."""

    at: datetime
    actor_user_id: str | None
    actor_label: str
    organisation_id: str | None
    action: str
    resource_type: str
    resource_id: str | None
    request_id: str
    summary: str


def digest(content: _Content, *, seq: int | None, prev_hash: str | None) -> str:
    # The same fields, in the same order, as when entries were chained at insert time, so
    # chains written before the sealer existed still verify.
    fields = [
        seq,
        content.at.isoformat(timespec="microseconds"),
        content.actor_user_id,
        content.actor_label,
        content.organisation_id,
        content.action,
        content.resource_type,
        content.resource_id,
        content.request_id,
        content.summary,
        prev_hash,
    ]
    return hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


def entry_digest(entry: AuditEntry) -> str:
    return digest(entry, seq=entry.seq, prev_hash=entry.prev_hash)


@dataclass(frozen=True)
class SealedHead:
    seq: int
    entry_hash: str


def sealed_head(session: Session) -> SealedHead:
    """The last sealed entry's seq and hash (0 and the genesis hash for an empty chain)."""
    head = session.get(AuditHead, 1)
    return SealedHead(head.seq, head.entry_hash) if head else SealedHead(0, GENESIS)


def head_hash(session: Session) -> str:
    return sealed_head(session).entry_hash


def seal(session: Session, *, limit: int = SEAL_BATCH) -> int:
    """Seal up to ``limit`` committed entries in the caller's transaction; returns how many.

    The caller commits (the ``audit.seal`` job does, one batch per transaction)."""
    # Take the head row's lock before reading anything: on PostgreSQL a second sealer waits
    # here and then sees the first one's work; on SQLite this write takes the database's write
    # lock, so the reads below see the latest commit.
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
    head = session.get(AuditHead, 1, populate_existing=True)
    if head is None:  # only before the migration that creates the head row has run
        head = AuditHead(id=1, seq=0, entry_hash=GENESIS)
        session.add(head)
    # Plain rows and one executemany UPDATE, not ORM objects: sealing is the one path every
    # audit entry takes, and this keeps it several times faster.
    table = cast(Table, AuditEntry.__table__)
    content = [table.c[name] for name in CONTENT_COLUMNS]
    pending = session.execute(
        select(table.c.id, *content).where(table.c.seq.is_(None)).order_by(table.c.id).limit(limit)
    ).all()
    seq, prev = head.seq, head.entry_hash
    changes: list[dict[str, Any]] = []
    for row in pending:
        seq += 1
        entry_hash = digest(row, seq=seq, prev_hash=prev)
        changes.append({"row_id": row.id, "seq": seq, "prev_hash": prev, "entry_hash": entry_hash})
        prev = entry_hash
    if changes:
        session.connection().execute(
            table.update()
            .where(table.c.id == bindparam("row_id"))
            .values(
                seq=bindparam("seq"),
                prev_hash=bindparam("prev_hash"),
                entry_hash=bindparam("entry_hash"),
            ),
            changes,
        )
        _refresh_loaded(session, {c["row_id"] for c in changes})
    head.seq, head.entry_hash = seq, prev
    session.flush()
    return len(changes)


CONTENT_COLUMNS = (
    "at",
    "actor_user_id",
    "actor_label",
    "organisation_id",
    "action",
    "resource_type",
    "resource_id",
    "request_id",
    "summary",
)


def _refresh_loaded(session: Session, ids: set[int]) -> None:
    """Entries of this session that were just sealed show their new seq and hashes."""
    for entry in list(session.identity_map.values()):
        if isinstance(entry, AuditEntry) and entry.id in ids:
            session.expire(entry, ["seq", "prev_hash", "entry_hash"])


def seal_all(session: Session) -> int:
    """Seal every committed entry, in one transaction (tests and small CLI runs)."""
    total = 0
    while sealed := seal(session):
        total += sealed
    return total


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""
    # The tail the sealer has not reached yet: not covered by the chain, so reported.
    unsealed: int = 0
    oldest_unsealed_at: datetime | None = None

    def unsealed_age_seconds(self, now: datetime | None = None) -> float:
        if self.oldest_unsealed_at is None:
            return 0.0
        return max(0.0, ((now or utcnow()) - self.oldest_unsealed_at).total_seconds())


def _tail(session: Session) -> tuple[int, datetime | None]:
    count, oldest = session.execute(
        select(func.count(), func.min(AuditEntry.at)).where(AuditEntry.seq.is_(None))
    ).one()
    return int(count or 0), oldest


def verify(session: Session, *, expected_head: str | None = None) -> Verification:
    """Walk the sealed chain in order; report the first entry that was altered, removed or
    reordered, then the unsealed tail."""
    unsealed, oldest = _tail(session)

    def broken(checked: int, seq: int, reason: str) -> Verification:
        return Verification(False, checked, seq, reason, unsealed, oldest)

    prev = GENESIS
    expected_seq = 1
    checked = 0
    # A head recorded earlier (or signed in a checkpoint) must still be in the chain.
    found_expected = expected_head in (None, GENESIS)
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq)
    ).scalars()
    for entry in rows.yield_per(2000):
        if entry.seq != expected_seq:
            return broken(
                checked,
                expected_seq,
                f"entry {expected_seq} is missing (next present is {entry.seq})",
            )
        if entry.prev_hash != prev:
            return broken(
                checked,
                expected_seq,
                "its link to the previous entry does not match (removed or reordered)",
            )
        if entry_digest(entry) != entry.entry_hash:
            return broken(checked, expected_seq, "its content was altered")
        prev = entry.entry_hash
        found_expected = found_expected or prev == expected_head
        expected_seq += 1
        checked += 1
        session.expunge(entry)
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.entry_hash != prev):
        return broken(
            checked,
            min(head.seq, last_seq + 1),
            f"the chain ends at {last_seq} but its head records {head.seq}: "
            "entries were removed from the end",
        )
    if head is None and checked:
        return broken(checked, 1, "the chain head record is missing")
    if not found_expected:
        return broken(checked, last_seq, "no sealed entry matches the externally recorded head")
    return Verification(True, checked, unsealed=unsealed, oldest_unsealed_at=oldest)
