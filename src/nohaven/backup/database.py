"""A consistent image of the database and loading one into an empty database: SQLite through
its online backup API (a snapshot while the server keeps running), PostgreSQL through
``pg_dump`` (one snapshot transaction) and ``pg_restore``."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from nohaven.db import create_db_engine


class DatabaseError(RuntimeError):
    pass


def backend_of(database_url: str) -> str:
    name = make_url(database_url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise DatabaseError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise DatabaseError("an in-memory SQLite database cannot be backed up or restored")
    return url.database


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A connection string for pg_dump/pg_restore, with the password in the environment
    rather than on a command line other users can read."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseError(
            f"{name} is not installed; install the PostgreSQL client tools of the server's "
            "major version"
        )
    return found


def snapshot(database_url: str, target: Path) -> None:
    """Write a consistent image of the database to ``target``."""
    url = make_url(database_url)
    if backend_of(database_url) == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    dsn, env = _libpq(url)
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={dsn}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise DatabaseError(f"pg_dump failed: {done.stderr.strip()}")


def is_empty(database_url: str) -> bool:
    engine = create_db_engine(database_url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def load(database_url: str, image: Path, backend: str) -> None:
    """Load an image made by `snapshot` into the (empty) database at ``database_url``."""
    if backend != backend_of(database_url):
        raise DatabaseError(
            f"the archive holds a {backend} database; restore it into a {backend} database"
        )
    if not is_empty(database_url):
        raise DatabaseError("the target database is not empty; restore only into an empty one")
    url = make_url(database_url)
    if backend == "sqlite":
        path = Path(_sqlite_path(url))
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(image)
        target = sqlite3.connect(path)
        try:
            if source.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise DatabaseError("the archived SQLite database fails its integrity check")
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    dsn, env = _libpq(url)
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={dsn}",
            str(image),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise DatabaseError(f"pg_restore failed: {done.stderr.strip()}")
