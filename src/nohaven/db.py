"""Engine, sessions and the declarative base. One transaction per request or command."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event, inspect
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from nohaven.config import Settings
from nohaven.errors import DatabaseBusy
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import as_utc
from nohaven.kit.crypto import Keyring

# The widest integer both databases store (SQLite INTEGER, PostgreSQL bigint); a query or
# body number above it fails in the database driver, so inputs are bounded by it.
SQL_INT_MAX = 2**63 - 1

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use nohaven.kit.clock.utcnow()")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


# An execution option on the engine a request's session is bound to: "read" opens a deferred
# SQLite transaction (a snapshot; no lock) instead of the default BEGIN IMMEDIATE.
INTENT_OPTION = "nohaven_intent"
READ_INTENT = "read"
_GATE_KEY = "nohaven_write_gate"
_GATE_HELD = "nohaven_write_gate_held"


class WriteGate:
    """One SQLite writer at a time in this process. Writers queue on this lock (in order, with a
    timeout) instead of polling the database file's lock, which SQLite does with growing sleeps
    and which fails with "database is locked" under load. Other processes (the CLI, a second
    server) still meet SQLite's own busy timeout."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()

    def enter(self, record_info: dict[Any, Any]) -> None:
        if record_info.get(_GATE_HELD):
            return
        if not self._lock.acquire(timeout=self.timeout):
            raise DatabaseBusy("The database is busy with other writes; try again shortly.")
        record_info[_GATE_HELD] = True

    def leave(self, record_info: dict[Any, Any]) -> None:
        if record_info.pop(_GATE_HELD, False):
            self._lock.release()


def write_gate_of(connection: Connection) -> tuple[WriteGate, dict[Any, Any]] | None:
    """The gate of a SQLite connection and the pooled connection's info it is marked in."""
    info = connection.connection.info
    gate = info.get(_GATE_KEY)
    return (gate, info) if isinstance(gate, WriteGate) else None


def _prepare_sqlite(engine: Engine, *, busy_timeout: float) -> None:
    # pysqlite opens transactions lazily and wrongly for us: take control (SQLAlchemy docs,
    # "Serializable isolation / Savepoints / Transactional DDL"): isolation level None on
    # connect, and our own BEGIN on the "begin" event.
    gate = WriteGate(busy_timeout)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL stays consistent after a crash; only the last commits
        # before a power cut may be lost, never half of one.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        record.info[_GATE_KEY] = gate

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(INTENT_OPTION) == READ_INTENT:
            # A reader: a deferred transaction reads a snapshot and locks nothing. If it
            # writes after all, the session upgrades it (see _upgrade_on_flush).
            connection.exec_driver_sql("BEGIN")
            return
        # Everything else (writing requests, the CLI, jobs) declares up front that it writes:
        # IMMEDIATE takes the write lock at BEGIN, so two writers never read the same state
        # and then race to change it; the gate makes this process's writers queue for it.
        info = connection.connection.info
        gate.enter(info)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.leave(info)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Connection) -> None:
        gate.leave(connection.connection.info)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # A connection that went back to the pool without commit or rollback events (an
        # invalidated one, say) must not keep the gate.
        gate.leave(record.info)


@event.listens_for(Session, "before_flush")
def _upgrade_on_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    """A read-intent SQLite transaction that writes after all (an audited read, say) queues at
    the write gate first; SQLite then upgrades its lock, or answers busy if another writer
    committed since its snapshot, which the HTTP layer turns into 503 + Retry-After."""
    if not (session.new or session.dirty or session.deleted):
        return
    _queue_at_gate_if_reading(session)


@event.listens_for(Session, "do_orm_execute")
def _upgrade_on_write_statement(state: ORMExecuteState) -> None:
    """The same for a write statement run outside the flush (an audit entry's INSERT)."""
    if state.is_insert or state.is_update or state.is_delete:
        _queue_at_gate_if_reading(state.session)


def _queue_at_gate_if_reading(session: Session) -> None:
    connection = session.connection()
    if connection.get_execution_options().get(INTENT_OPTION) != READ_INTENT:
        return
    found = write_gate_of(connection)
    if found is not None:
        gate, info = found
        gate.enter(info)


def create_db_engine(
    database_url: str,
    *,
    pool_size: int = 5,
    pool_timeout: float = 10.0,
    busy_timeout: float = 10.0,
) -> Engine:
    """``pool_size`` should be the number of requests a process serves at once (its worker
    threads) plus a little room for health probes and jobs: then no request waits for a
    connection. A wait beyond ``pool_timeout`` becomes 503, not a hang.

    ``hide_parameters``: a database error's message carries the statement's values, and those
    messages reach the error log with their traceback; the values may be personal data (a
    subject's name before it is sealed, an e-mail address), so they never go into the text."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            hide_parameters=True,
            pool_size=pool_size,
            max_overflow=2,
            pool_timeout=pool_timeout,
        )
        _prepare_sqlite(engine, busy_timeout=busy_timeout)
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    # pre_ping: a connection the server dropped (a restart) is replaced before use, so the
    # service recovers by itself once the database is back.
    return create_engine(
        url,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=2,
        pool_timeout=pool_timeout,
    )


def engine_for(settings: Settings) -> Engine:
    return create_db_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        pool_timeout=settings.db_wait_seconds,
        busy_timeout=settings.db_wait_seconds,
    )


def read_intent(engine: Engine) -> Engine:
    """The same engine and pool, opening deferred (read) transactions on SQLite."""
    return engine.execution_options(**{INTENT_OPTION: READ_INTENT})


# Work a refused form action keeps (nohaven.web.forms.form_action): a failed login's count and
# its audit entry must survive the rollback of everything else the refused action wrote.
_KEPT_KEY = "nohaven_kept_if_refused"


def write_even_if_refused(session: Session, work: Callable[[Session], None]) -> None:
    """Write ``work`` whatever becomes of the action around it. Inside a form action it runs
    once that action has ended (after a refusal's rollback, so it is kept); elsewhere at once.

    The one way a refused action keeps a write: a throttle's failure count, say, which would
    be worthless if a refusal rolled it back."""
    pending = session.info.get(_KEPT_KEY)
    if pending is None:
        work(session)
    else:
        pending.append(work)


@contextmanager
def collecting_kept_writes(session: Session) -> Iterator[list[Callable[[Session], None]]]:
    """Hold back ``write_even_if_refused`` work while an action runs; the caller runs it once
    the action's savepoint is committed or rolled back."""
    if _KEPT_KEY in session.info:
        raise RuntimeError("form actions do not nest")
    pending: list[Callable[[Session], None]] = []
    session.info[_KEPT_KEY] = pending
    try:
        yield pending
    finally:
        del session.info[_KEPT_KEY]


# Where a session carries the data key ring that seals personal data (nohaven.keys.sealing).
DATA_KEYRING = "nohaven.data_keyring"


def make_sessionmaker(engine: Engine, *, keyring: Keyring) -> sessionmaker[Session]:
    """Sessions for ``engine``, each carrying the deployment's data key ring in its ``info``."""
    return sessionmaker(
        bind=engine, expire_on_commit=False, autoflush=True, info={DATA_KEYRING: keyring}
    )


class MissingDatabase(Exception):
    """A command was run where no nohaven database is: said plainly (nohaven.cli.main) rather
    than by creating an empty SQLite file here and failing on its first query."""


def where(database_url: str) -> str:
    """The database as an operator names it: a file's absolute path, or host/name without
    the credentials."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return str(Path(url.database or "").resolve())
    return url.render_as_string(hide_password=True).split("@")[-1]


def require_database(settings: Settings) -> None:
    """Refuse to go on when the configured database is not there or has no schema yet."""
    url = make_url(settings.database_url)
    fix = (
        "set NOHAVEN_DATABASE_URL to your nohaven database (an absolute sqlite:////path or a "
        "postgresql:// URL, so that any folder works), or run `nohaven db upgrade` to create "
        "the schema there"
    )
    is_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if is_file and not Path(url.database or "").exists():
        raise MissingDatabase(f"no nohaven database at {where(settings.database_url)}: {fix}")
    engine = create_db_engine(settings.database_url, pool_size=1)
    try:
        present = inspect(engine).has_table("alembic_version")
    finally:
        engine.dispose()
    if not present:
        raise MissingDatabase(
            f"the database at {where(settings.database_url)} has no nohaven schema: {fix}"
        )


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """The command-line transaction boundary: commit on success, roll back on any error."""
    require_database(settings)
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine, keyring=data_keyring(settings))() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        engine.dispose()
