"""Alembic environment: runs against the connection or URL nohaven hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from nohaven.db import Base, create_db_engine
from nohaven.models import import_all_models

import_all_models()
config = context.config
target_metadata = Base.metadata
# Several servers starting at once on one PostgreSQL each apply the migrations at start: the
# first takes this lock and migrates, the others wait for it and then find nothing to do.
_MIGRATION_LOCK = 0x6E6F686D


def _one_migrator(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            _one_migrator(connection)
            context.run_migrations()
        return
    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A batch migration on SQLite copies a table and drops the original; with foreign
            # keys on, dropping a parent table deletes its children (ON DELETE CASCADE). The
            # pragma only takes effect outside a transaction, so it is set before the
            # migrations' transaction begins, and the keys are checked before it commits.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        # One transaction around every step, begun here: Alembic treats SQLite as having no
        # transactional DDL and would otherwise commit each migration on its own after
        # reading the versions outside any transaction, so two servers starting at once on
        # one SQLite file could both plan the same steps. BEGIN IMMEDIATE (nohaven.db) takes
        # the write lock before the versions are read; the second waits, then finds nothing.
        with conn.begin():
            _one_migrator(conn)
            context.configure(
                connection=conn,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("a migration left rows pointing at missing rows")
        if sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    engine.dispose()


run_migrations()
