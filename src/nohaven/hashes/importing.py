"""Importing entries into a list: streamed, all-or-nothing, with a report of every rejected
record and why.

Records arrive as an iterator (a parser reading the file as it goes) and are written in batches
with bulk statements inside a savepoint, so 200,000 records never sit in memory at once. Any
rejected record rolls the savepoint back: nothing of the file is kept, and the report says which
records to fix. The audit record of the attempt stays either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import cast

from pydantic import ValidationError
from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action
from nohaven.errors import InvalidInput
from nohaven.hashes import repository as repo
from nohaven.hashes import service
from nohaven.hashes.models import HashEntry, HashList
from nohaven.hashes.schemas import EntryCreate
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id

BATCH = 1000
_ENTRIES = cast(Table, HashEntry.__table__)
# A report lists at most this many rejects in full; the count is always exact.
REJECTS_SHOWN = 1000


@dataclass(frozen=True)
class Record:
    """One record of an import file: an entry to store, or the reason it cannot be read."""

    number: int
    entry: EntryCreate | None = None
    reject: str | None = None


@dataclass
class Report:
    list_id: str
    format: str
    accepted: int = 0
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected_count: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    committed: bool = False

    def reject(self, number: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < REJECTS_SHOWN:
            self.rejected.append((number, reason))


def entry_from_fields(number: int, fields: dict[str, object]) -> Record:
    """A Record from a parser's field dict, with the validation message as the reject reason."""
    try:
        return Record(number, entry=EntryCreate.model_validate(fields))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return Record(number, reject=f"{where}: {first['msg']}" if where else first["msg"])


def _batches(records: Iterable[Record]) -> Iterator[list[Record]]:
    it = iter(records)
    while batch := list(islice(it, BATCH)):
        yield batch


def import_records(
    session: Session,
    *,
    actor: Actor,
    list_id: str,
    records: Iterable[Record],
    format_name: str,
    progress: Callable[[int], None] | None = None,
) -> Report:
    hash_list = service.get_list(session, actor=actor, list_id=list_id, action=Action.UPDATE)
    report = Report(list_id=list_id, format=format_name)
    seen: set[tuple[str, str]] = set()
    savepoint = session.begin_nested()
    try:
        for batch in _batches(records):
            _store_batch(session, actor, hash_list, batch, report, seen)
            if progress is not None:
                progress(len(batch))
    except BaseException:
        savepoint.rollback()
        raise
    if report.rejected_count or report.accepted == 0:
        savepoint.rollback()
    else:
        savepoint.commit()
        report.committed = True
    session.expire(hash_list)  # its change number moved underneath the ORM
    audit.record(
        session,
        actor=actor,
        action="hashes.import",
        resource_type="hash_list",
        resource_id=hash_list.id,
        organisation_id=hash_list.owner_organisation_id,
        summary={
            "format": format_name,
            "committed": report.committed,
            "added": report.added if report.committed else 0,
            "updated": report.updated if report.committed else 0,
            "rejected": report.rejected_count,
        },
    )
    return report


def _store_batch(
    session: Session,
    actor: Actor,
    hash_list: HashList,
    batch: list[Record],
    report: Report,
    seen: set[tuple[str, str]],
) -> None:
    clean: list[service.CleanEntry] = []
    for record in batch:
        if record.entry is None:
            report.reject(record.number, record.reject or "unreadable record")
            continue
        try:
            entry = service.clean_entry(record.entry, quality_required=False)
        except InvalidInput as exc:
            detail = "; ".join(str(e.get("message")) for e in exc.errors) or exc.detail
            report.reject(record.number, detail)
            continue
        key = (entry.signal_type, entry.value)
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        clean.append(entry)
    if report.rejected_count or not clean:
        return  # the import will be rolled back; keep reading only to report every reject
    report.accepted += len(clean)
    existing = _existing(session, hash_list.id, clean)
    first = repo.take_seqs(session, hash_list.id, len(clean))
    now = utcnow()
    new_rows = []
    for offset, entry in enumerate(clean):
        seq = first + offset
        found = existing.get((entry.signal_type, entry.value))
        if found is None:
            new_rows.append(
                {
                    "id": new_id(),
                    "list_id": hash_list.id,
                    **entry.__dict__,
                    "trusted": False,
                    "added_by_id": actor.user_id,
                    "created_seq": seq,
                    "seq": seq,
                    "created_at": now,
                    "updated_at": now,
                    "classified_at": now,
                }
            )
            continue
        entry_id, scheme, code = found
        values: dict[str, object] = {
            **entry.__dict__,
            "seq": seq,
            "updated_at": now,
            "tombstoned_at": None,
            "tombstone_reason": None,
        }
        if (scheme, code) != (entry.classification_scheme, entry.classification):
            values |= {"classified_at": now, "trusted": False}
        session.execute(
            update(HashEntry).where(HashEntry.id == entry_id).values(**values),
            execution_options={"synchronize_session": False},
        )
        report.updated += 1
    if new_rows:
        # Core, not the ORM: nothing of the batch is kept in the session.
        session.connection().execute(insert(_ENTRIES), new_rows)
        report.added += len(new_rows)


def _existing(
    session: Session, list_id: str, clean: list[service.CleanEntry]
) -> dict[tuple[str, str], tuple[str, str | None, str | None]]:
    by_type: dict[str, list[str]] = {}
    for entry in clean:
        by_type.setdefault(entry.signal_type, []).append(entry.value)
    found: dict[tuple[str, str], tuple[str, str | None, str | None]] = {}
    for kind, values in by_type.items():
        rows = session.execute(
            select(
                HashEntry.value,
                HashEntry.id,
                HashEntry.classification_scheme,
                HashEntry.classification,
            ).where(
                HashEntry.list_id == list_id,
                HashEntry.signal_type == kind,
                HashEntry.value.in_(values),
            )
        )
        for row in rows:
            found[(kind, row[0])] = (row[1], row[2], row[3])
    return found
