"""The staging area of an import: a temporary table on the import's own connection.

An import writes its validated rows here in many short steps, then publishes them into
``hash_entries`` with a few set-based statements in one short transaction. Keeping the staging
table temporary (private to the connection) has three consequences that matter:

- nobody else ever sees staged rows, so a failed import leaves nothing to clean up, and a
  killed one neither: the database drops a connection's temporary tables when it goes away;
- on SQLite, writing a temporary table takes no lock on the main database, so staging runs in
  plain deferred transactions while other users write (only the publish takes the write lock);
- on PostgreSQL, the rows go in with ``COPY``, the fastest way in, and temporary tables are
  not written to the WAL.

Staging only appends; preparing sorts the rows once into a second temporary table keyed by
(signal type, value), dropping repeated hashes (the first occurrence wins). Change
numbers are handed out in (signal type, value) order, the order the rows are inserted in, so
every index of ``hash_entries`` is written in order rather than at random.
"""

# SQL here is composed from this module's constants only; values always travel as parameters.
# ruff: noqa: S608

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.orm import Session

from nohaven.db import UTCDateTime
from nohaven.hashes.service import CleanEntry

STAGE = "hash_import_stage"
READY = "hash_import_ready"  # the de-duplicated rows, in (signal type, value) order
META = "hash_import_meta"
# The fields an entry shares with most others of its file (category, source, flags…) are
# staged once in META; each staged row carries only its hash and a reference.
META_COLUMNS = (
    "classification_scheme",
    "classification",
    "series",
    "victim_identified",
    "offender_identified",
    "source",
    "comment",
)
COLUMNS = ("signal_type", "value", "pdq_quality", *META_COLUMNS)
_META_COLS = ", ".join(META_COLUMNS)
# SQLite's default page cache is 2 MB; publishing 600,000 rows into four indexes needs more.
_SQLITE_CACHE_KIB = 262_144
_METAS_REMEMBERED = 10_000

# Staging appends (the cheapest write there is); prepare() sorts the rows into READY once.
_SQLITE_STAGE = f"""
CREATE TEMP TABLE {STAGE} (
    signal_type TEXT NOT NULL, value TEXT NOT NULL, pdq_quality INTEGER, meta INTEGER NOT NULL
)
"""
_SQLITE_READY = f"""
CREATE TEMP TABLE {READY} (
    signal_type TEXT NOT NULL, value TEXT NOT NULL, pdq_quality INTEGER,
    meta INTEGER NOT NULL, existing_id TEXT,
    PRIMARY KEY (signal_type, value)
) WITHOUT ROWID
"""
# In key order, the first occurrence of a hash comes first and is the one kept.
_SQLITE_FILL_READY = f"""
INSERT OR IGNORE INTO {READY} (signal_type, value, pdq_quality, meta)
SELECT signal_type, value, pdq_quality, meta FROM {STAGE} ORDER BY signal_type, value, rowid
"""
_PG_STAGE = f"""
CREATE TEMP TABLE {STAGE} (
    n bigint NOT NULL, signal_type text NOT NULL, value text NOT NULL, pdq_quality integer,
    meta integer NOT NULL
)
"""
_META = f"""
CREATE TEMP TABLE {META} (
    id integer PRIMARY KEY, classification_scheme varchar(16), classification varchar(16),
    series varchar(200), victim_identified boolean NOT NULL,
    offender_identified boolean NOT NULL, source varchar(200), comment text NOT NULL
)
"""
_PG_READY = f"""
CREATE TEMP TABLE {READY} AS
SELECT row_number() OVER (ORDER BY signal_type, value) AS k, d.*,
       CAST(NULL AS varchar(32)) AS existing_id
FROM (
    SELECT DISTINCT ON (signal_type, value) signal_type, value, pdq_quality, meta
    FROM {STAGE} ORDER BY signal_type, value, n
) AS d
"""
# The rows to publish, numbered in (signal type, value) order, with their shared fields.
_SQLITE_ROWS = f"""
(SELECT row_number() OVER (ORDER BY r.signal_type, r.value) AS k, r.signal_type, r.value,
        r.pdq_quality, r.existing_id, m.*
 FROM {READY} AS r JOIN {META} AS m ON m.id = r.meta)
"""
_PG_ROWS = f"""
(SELECT r.k, r.signal_type, r.value, r.pdq_quality, r.existing_id, m.*
 FROM {READY} AS r JOIN {META} AS m ON m.id = r.meta)
"""
_ENTRY_COLUMNS = (
    "id, list_id, " + ", ".join(COLUMNS) + ", classified_at, trusted, added_by_id,"
    " created_seq, seq, created_at, updated_at"
)


# A row to stage: signal type, value, PDQ quality, and an entry holding its other fields.
StagedRow = tuple[str, str, int | None, CleanEntry]


@dataclass(frozen=True)
class Prepared:
    """What the staging area holds once prepared: distinct rows, and the list's change number
    when existing entries were looked up (entries changed after it are looked up again at
    publish)."""

    distinct: int
    seen_seq: int
    existing: int  # rows that are entries of the list already


class Staging:
    """The staging table of one import on one dedicated connection.

    If the connection is already inside a transaction (a caller that wants the import to be
    part of its own transaction, as the tests do), every step is a savepoint of it instead of a
    transaction of its own."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.joined = conn.in_transaction()
        self.staged = 0
        # Entries seen (by identity: most rows share a few entry objects) and their fields.
        self._metas: dict[int, tuple[CleanEntry, int]] = {}
        self._meta_ids: dict[tuple[object, ...], int] = {}
        self._raw: Any = conn.connection.driver_connection

    @contextmanager
    def step(self) -> Iterator[Any]:
        """One short transaction (or savepoint) of staging work; yields a DBAPI cursor."""
        if self.sqlite and not self.joined:
            # Deferred, not IMMEDIATE: staging writes only the temporary table and reads the
            # main database, so it must not take the main database's write lock.
            cursor = self._raw.cursor()
            cursor.execute("BEGIN")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            cursor.close()
            return
        with self.conn.begin_nested() if self.joined else self.conn.begin():
            cursor = self._raw.cursor()
            if not self.joined:
                # Only the temporary tables change, and they die with the connection anyway:
                # waiting for the WAL to reach the disk at each commit buys nothing.
                cursor.execute("SET LOCAL synchronous_commit = off")
            try:
                yield cursor
            finally:
                cursor.close()

    def create(self) -> None:
        with self.step() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cur.execute(f"DROP TABLE IF EXISTS {READY}")
            if self.sqlite:
                cur.execute(f"PRAGMA main.cache_size = -{_SQLITE_CACHE_KIB}")
                cur.execute(f"PRAGMA temp.cache_size = -{_SQLITE_CACHE_KIB}")
                cur.execute(_SQLITE_STAGE)
            else:
                cur.execute(_PG_STAGE)
            cur.execute(f"DROP TABLE IF EXISTS {META}")
            cur.execute(_META)

    def add(self, batch: Sequence[StagedRow]) -> None:
        with self.step() as cur:
            rows = [(kind, value, quality, self._meta(cur, e)) for kind, value, quality, e in batch]
            if self.sqlite:
                cur.executemany(f"INSERT INTO {STAGE} VALUES (?, ?, ?, ?)", rows)
            else:
                columns = "n, signal_type, value, pdq_quality, meta"
                with cur.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
                    for offset, row in enumerate(rows, start=self.staged + 1):
                        copy.write_row((offset, *row))
        self.staged += len(batch)

    def _meta(self, cur: Any, entry: CleanEntry) -> int:
        """The number of the entry's shared fields in META (staged when first seen)."""
        known = self._metas.get(id(entry))
        if known is not None:
            return known[1]
        key = tuple(getattr(entry, c) for c in META_COLUMNS)
        found = self._meta_ids.get(key)
        if found is None:
            found = self._meta_ids[key] = len(self._meta_ids) + 1
            marks = ", ".join(["?" if self.sqlite else "%s"] * (len(key) + 1))
            cur.execute(f"INSERT INTO {META} (id, {_META_COLS}) VALUES ({marks})", (found, *key))
        if len(self._metas) > _METAS_REMEMBERED:
            self._metas.clear()
        self._metas[id(entry)] = (entry, found)  # holding the entry keeps its id unique
        return found

    def prepare(self, list_id: str) -> Prepared:
        """Sort the staged rows into READY (dropping repeated hashes), count them, and find the
        ones that are already entries of the list: all outside the write lock."""
        with self.step() as cur:
            if self.sqlite:
                cur.execute(_SQLITE_READY)
                cur.execute(_SQLITE_FILL_READY)
            else:
                cur.execute(_PG_READY)
            cur.execute(f"DROP TABLE {STAGE}")
            cur.execute(f"ANALYZE {READY}")
            cur.execute(f"SELECT count(*) FROM {READY}")
            distinct = int(cur.fetchone()[0])
            mark = "?" if self.sqlite else "%s"
            cur.execute(f"SELECT change_seq FROM hash_lists WHERE id = {mark}", (list_id,))
            seen = int(cur.fetchone()[0])
            cur.execute(
                f"SELECT 1 FROM hash_entries WHERE list_id = {mark} LIMIT 1",
                (list_id,),
            )
            existing = 0
            if cur.fetchone() is not None:
                cur.execute(_match_existing(self.sqlite, changed_only=False), (list_id,))
                cur.execute(f"SELECT count(*) FROM {READY} WHERE existing_id IS NOT NULL")
                existing = int(cur.fetchone()[0])
        return Prepared(distinct=distinct, seen_seq=seen, existing=existing)

    def publish(
        self,
        session: Session,
        *,
        list_id: str,
        user_id: str | None,
        prepared: Prepared,
        first_seq: int,
        now: datetime,
    ) -> tuple[int, int]:
        """Write the prepared rows into the list inside ``session``'s transaction, under change
        numbers ``first_seq``…; returns (added, updated). The caller holds the list's row lock
        (it reserved the change numbers), so no entry of the list appears meanwhile."""
        existing = prepared.existing
        if first_seq - 1 != prepared.seen_seq:
            # Entries added since prepare() looked are found again: they are few, and only they
            # can have appeared (entries are never deleted, only tombstoned).
            found = session.connection().execute(
                text(_match_existing(self.sqlite, changed_only=True)),
                {"list_id": list_id, "seen": prepared.seen_seq},
            )
            if found.rowcount:
                existing = session.execute(
                    text(f"SELECT count(*) FROM {READY} WHERE existing_id IS NOT NULL")
                ).scalar_one()
        numbered = _SQLITE_ROWS if self.sqlite else _PG_ROWS
        stamp = bindparam("now", type_=UTCDateTime())
        params = {
            "list_id": list_id,
            "user_id": user_id,
            "first": first_seq,
            "prefix": secrets.token_hex(8),
            "now": now,
        }
        # Entry ids: a random prefix per import and the row's number, so the primary key index
        # is appended to in order (ids are opaque; access is decided by the policy, never by
        # knowing an id).
        new_id = (
            "(:prefix || printf('%016x', s.k))"
            if self.sqlite
            else "(:prefix || lpad(to_hex(s.k), 16, '0'))"
        )
        conn = session.connection()  # Core results: they carry the row counts
        added = conn.execute(
            text(
                f"INSERT INTO hash_entries ({_ENTRY_COLUMNS}) "
                f"SELECT {new_id}, :list_id, {_prefixed('s.')}, :now, false, :user_id,"
                " :first + s.k - 1, :first + s.k - 1, :now, :now"
                # No ORDER BY: the rows come in key order (READY's key on SQLite, the order
                # READY was written in on PostgreSQL), and sorting them again would be work
                # done under the write lock.
                f" FROM {numbered} AS s WHERE s.existing_id IS NULL"
            ).bindparams(stamp),
            params,
        ).rowcount
        if not existing:
            return int(added), 0
        updated = conn.execute(
            text(_update_existing(self.sqlite, numbered)).bindparams(stamp), params
        ).rowcount
        return int(added), int(updated)

    def drop(self) -> None:
        """Remove the staging tables (a dead connection has lost them already)."""
        with self.step() as cur:
            for table in (STAGE, READY, META):
                cur.execute(f"DROP TABLE IF EXISTS {table}")
            if self.sqlite:  # the connection goes back to its pool: give the memory back
                cur.execute("PRAGMA main.cache_size = -2000")
                cur.execute("PRAGMA temp.cache_size = -2000")


def _prefixed(prefix: str) -> str:
    return ", ".join(prefix + c for c in COLUMNS)


def _match_existing(sqlite: bool, *, changed_only: bool) -> str:
    """Mark staged rows that are already entries of the list with the entry's id. With
    ``changed_only``, only entries changed after ``:seen`` are looked at (SQLAlchemy named
    parameters); otherwise all of them (DBAPI parameters: the list id)."""
    if changed_only:
        where = "e.list_id = :list_id AND e.seq > :seen"
    else:
        where = "e.list_id = ?" if sqlite else "e.list_id = %s"
    return (
        f"UPDATE {READY} SET existing_id = e.id FROM hash_entries AS e"
        f" WHERE {where} AND e.signal_type = {READY}.signal_type"
        f" AND e.value = {READY}.value"
    )


def _update_existing(sqlite: bool, numbered: str) -> str:
    """Existing entries take the file's values and a new change number; a tombstoned one comes
    back; a changed classification resets trust, since the votes judged the old one."""
    differs = "IS NOT" if sqlite else "IS DISTINCT FROM"
    reclassified = (
        f"(hash_entries.classification_scheme {differs} s.classification_scheme"
        f" OR hash_entries.classification {differs} s.classification)"
    )
    assignments = ", ".join(f"{c} = s.{c}" for c in COLUMNS[2:])
    return (
        f"UPDATE hash_entries SET {assignments},"
        f" classified_at = CASE WHEN {reclassified} THEN :now"
        " ELSE hash_entries.classified_at END,"
        f" trusted = CASE WHEN {reclassified} THEN false ELSE hash_entries.trusted END,"
        " seq = :first + s.k - 1, updated_at = :now,"
        " tombstoned_at = NULL, tombstone_reason = NULL"
        f" FROM {numbered} AS s WHERE hash_entries.id = s.existing_id"
    )
