"""Importing entries into a list: streamed, staged, then published all at once, with a report
of every rejected record and why.

An import never holds a transaction open while it reads the file. Records arrive as an
iterator (a parser reading the file as it goes) and are validated as they come; valid rows are
written in batches to a staging table private to the import's own connection
(:mod:`nohaven.hashes.staging`), each batch in a short transaction of its own that takes no
lock anyone else waits for. When the whole file is read and nothing was rejected, the rows are
published into the list in ONE short transaction of set-based statements, with one audit entry
for the import. Any rejected record means nothing is published, and the report says which
records to fix; the audit record of the attempt stays either way. A failed or killed import
leaves nothing: its staging table disappears with its connection.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action
from nohaven.errors import InvalidInput
from nohaven.hashes import announce, service, signals
from nohaven.hashes import repository as repo
from nohaven.hashes.models import HashList, SignalType
from nohaven.hashes.schemas import EntryCreate
from nohaven.hashes.staging import StagedRow, Staging
from nohaven.kit.clock import utcnow

# Rows per staging transaction: large enough to amortise a commit, small enough that each
# step is over in a few milliseconds.
BATCH = 5000
# A report lists at most this many rejects in full; the count is always exact.
REJECTS_SHOWN = 1000

# Called as the import goes: the phase ("reading", "preparing", "publishing", "done") and how
# many entries were read so far.
ProgressFn = Callable[[str, int], None]


@dataclass(slots=True)
class Record:
    """One entry of an import file, validated, or the reason it cannot be used; ``number`` is
    the record's place in the file (a record may carry several hashes).

    A file's entries mostly share every field but the hash, so an entry may be given as the
    validated ``entry`` of another with its own ``signal_type`` and ``value``: one object per
    hash is cheaper to make than a whole entry, which matters for 600,000 of them."""

    number: int
    entry: service.CleanEntry | None = None
    reject: str | None = None
    signal_type: str | None = None
    value: str | None = None

    def staged(self) -> StagedRow | None:
        """The row to stage: (signal type, value, PDQ quality, the entry its fields are in)."""
        entry = self.entry
        if entry is None:
            return None
        if self.value is None or self.signal_type is None:
            return (entry.signal_type, entry.value, entry.pdq_quality, entry)
        return (self.signal_type, self.value, None, entry)


@dataclass
class Report:
    list_id: str
    format: str
    # records of the file (a media item of a VICS file, a row of a CSV); one may carry
    # several hashes (MD5, SHA-1, PDQ …), so ``accepted`` counts hashes, not records
    records: int = 0
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


def _reason(exc: InvalidInput) -> str:
    return "; ".join(str(e.get("message")) for e in exc.errors) or exc.detail


def entry_from_fields(number: int, fields: dict[str, object]) -> Record:
    """A Record from a parser's field dict: the same validation as an entry added by hand
    (except that PDQ quality may be unknown), with its message as the reject reason."""
    for name, value in fields.items():
        # No database stores a NUL character in text (PostgreSQL refuses it outright).
        if isinstance(value, str) and "\x00" in value:
            return Record(number, reject=f"{name}: contains a NUL character")
    try:
        data = EntryCreate.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return Record(number, reject=f"{where}: {first['msg']}" if where else first["msg"])
    try:
        return Record(number, entry=service.clean_entry(data, quality_required=False))
    except InvalidInput as exc:
        return Record(number, reject=_reason(exc))


_SIGNAL_TYPES = {kind.value: kind for kind in SignalType}


def sibling(number: int, base: service.CleanEntry, signal_type: str, value: str) -> Record:
    """Another hash with the same fields as ``base`` (already validated): only the hash itself
    is checked, since every other field is the same. Exchange formats carry no PDQ quality,
    so none is kept."""
    kind = _SIGNAL_TYPES.get(signal_type)
    if kind is None:
        return Record(number, reject=f"signal_type: unknown signal type {signal_type!r}")
    try:
        canonical = signals.canonical_value(kind, value)
    except InvalidInput as exc:
        return Record(number, reject=_reason(exc))
    return Record(number, base, None, signal_type, canonical)  # signal_type is kind's value


class Templates:
    """Validated entries by their fields other than the hash, so that the many records of a
    file that share them (the same category, source and flags) are validated once."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._known: dict[tuple[object, ...], service.CleanEntry] = {}

    def record(self, number: int, signal_type: str, value: str, fields: dict[str, Any]) -> Record:
        key = tuple(fields.values())
        base = self._known.get(key)
        if base is not None:
            return sibling(number, base, signal_type, value)
        found = entry_from_fields(number, {"signal_type": signal_type, "value": value, **fields})
        if found.entry is not None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            self._known[key] = found.entry
        return found


@contextmanager
def _own_connection(sessions: sessionmaker[Session]) -> Iterator[Connection]:
    """The import's connection: a new one from the engine, or (when the sessions are bound to
    a connection already, as in tests) that one."""
    bind = sessions.kw.get("bind")
    if isinstance(bind, Connection):
        yield bind
    elif isinstance(bind, Engine):
        with bind.connect() as conn:
            yield conn
    else:
        raise TypeError("import_records needs sessions bound to an engine or a connection")


def import_records(
    sessions: sessionmaker[Session],
    *,
    actor: Actor,
    list_id: str,
    records: Iterable[Record],
    format_name: str,
    progress: ProgressFn | None = None,
) -> Report:
    """Import ``records`` into the list; commits by itself (the caller must not hold a
    transaction that writes, or on SQLite the publish would wait for it)."""
    report = Report(list_id=list_id, format=format_name)
    tell = progress or (lambda _phase, _count: None)
    with _own_connection(sessions) as conn:
        with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
            service.get_list(session, actor=actor, list_id=list_id, action=Action.UPDATE)
        staging = Staging(conn)
        staging.create()
        try:
            read = _stage(staging, records, report, tell)
            if report.rejected_count or staging.staged == 0:
                _audit_attempt(conn, actor, list_id, report)
                return report
            tell("preparing", read)
            prepared = staging.prepare(list_id)
            report.accepted = prepared.distinct
            report.duplicates = staging.staged - prepared.distinct
            tell("publishing", read)
            with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
                # Writing first: the transaction takes the write lock (SQLite) or the list's
                # row lock (PostgreSQL) before it reads anything, so what it reads is current.
                first = repo.take_seqs(session, list_id, prepared.distinct)
                hash_list = service.get_list(
                    session, actor=actor, list_id=list_id, action=Action.UPDATE
                )
                report.added, report.updated = staging.publish(
                    session,
                    list_id=list_id,
                    user_id=actor.user_id,
                    prepared=prepared,
                    first_seq=first,
                    now=utcnow(),
                )
                report.committed = True
                _audit(session, actor, hash_list, report)
                announce.list_changed(
                    session,
                    actor=actor,
                    hash_list=hash_list,
                    change="entries_added",
                    counts={"added": report.added, "updated": report.updated},
                )
                session.commit()
            tell("done", read)
        finally:
            _drop(staging)
    return report


class _Writer:
    """Stages batches on a thread of its own, so that reading the file goes on while the
    database writes (the database drivers release the interpreter lock while they work)."""

    def __init__(self, staging: Staging) -> None:
        self._staging = staging
        self._queue: queue.Queue[list[StagedRow] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="import-staging", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._staging.add(batch)
                except BaseException as exc:  # handed to the reading thread
                    self._error = exc

    def put(self, batch: list[StagedRow]) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def close(self) -> None:
        """Wait until every batch is written (or given up after an error); raise that error."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


def _stage(staging: Staging, records: Iterable[Record], report: Report, tell: ProgressFn) -> int:
    """Validate and stage every record; returns how many entries were read."""
    writer = _Writer(staging)
    batch: list[StagedRow] = []
    read = 0
    last_number: int | None = None
    try:
        for record in records:
            read += 1
            if record.number != last_number:
                report.records += 1
                last_number = record.number
            row = record.staged()
            if row is None:
                report.reject(record.number, record.reject or "unreadable record")
                batch = []
                continue
            if report.rejected_count:
                continue  # nothing will be published; keep reading only to report every reject
            batch.append(row)
            if len(batch) >= BATCH:
                writer.put(batch)
                batch = []
                tell("reading", read)
        if batch and not report.rejected_count:
            writer.put(batch)
    finally:
        writer.close()
    tell("reading", read)
    return read


def _drop(staging: Staging) -> None:
    try:
        staging.drop()
    except Exception:  # SQLAlchemy's error or the driver's own, whichever it is
        # The connection is broken (and its temporary tables gone with it): never reuse it.
        staging.conn.invalidate()


def _audit(session: Session, actor: Actor, hash_list: HashList, report: Report) -> None:
    audit.record(
        session,
        actor=actor,
        action="hashes.import",
        resource_type="hash_list",
        resource_id=hash_list.id,
        organisation_id=hash_list.owner_organisation_id,
        summary={
            "format": report.format,
            "committed": report.committed,
            "added": report.added,
            "updated": report.updated,
            "duplicates": report.duplicates,
            "rejected": report.rejected_count,
        },
    )


def _audit_attempt(conn: Connection, actor: Actor, list_id: str, report: Report) -> None:
    """The record of a refused import, in a transaction of its own."""
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        hash_list = session.get(HashList, list_id)
        if hash_list is not None:
            _audit(session, actor, hash_list, report)
            session.commit()
