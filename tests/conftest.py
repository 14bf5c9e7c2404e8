"""Test set-up: every test runs on SQLite and, when NOHAVEN_TEST_DATABASE_URL is set, on
PostgreSQL too; the schema comes from the migrations; each test runs in a transaction that is
rolled back at its end."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets

# Cheap password hashing for tests; set before nohaven reads its settings.
os.environ.setdefault("NOHAVEN_ARGON2_TIME_COST", "1")
os.environ.setdefault("NOHAVEN_ARGON2_MEMORY_KIB", "8")
# Strong keys of this run: outside demo mode nohaven refuses the repository's published ones.
os.environ.setdefault("NOHAVEN_SECRET_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("NOHAVEN_DATA_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
# In-process apps share the test's connection: no job worker thread beside them. Tests of the
# job runner start one explicitly, or real server processes with it on.
os.environ.setdefault("NOHAVEN_JOB_WORKER", "false")

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from nohaven import migrate, transactions
from nohaven.config import Settings, get_settings
from nohaven.db import DATA_KEYRING, create_db_engine, make_sessionmaker
from nohaven.demo import load_demo
from nohaven.keys.ring import data_keyring
from nohaven.kit.catalogues import compile_catalogues
from nohaven.main import create_app
from tests.factories import Factory

# The build step of the translation catalogues, for a pytest run not started by dev.py.
compile_catalogues()

PG_ENV = "NOHAVEN_TEST_DATABASE_URL"
# A request declared as reading that writes fails the test (see nohaven.transactions).
transactions.strict_intent = True


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get(PG_ENV):
        backends.append("postgresql")
    elif os.environ.get("CI"):
        # In CI a missing prerequisite fails the run; it never skips silently.
        raise pytest.UsageError(f"CI is set but {PG_ENV} is not: PostgreSQL tests cannot run")
    return backends


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", _backends(), scope="session")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def postgres_database(purpose: str) -> str:
    """A fresh PostgreSQL database for this checkout, worker and purpose, so that two
    checkouts or workers testing at once never share one."""
    base = make_url(os.environ[PG_ENV])
    checkout = hashlib.sha256(str(Path(__file__).resolve()).encode()).hexdigest()[:6]
    name = f"{base.database or 'test'}_nh{checkout}_{_worker()}_{purpose}"
    admin = create_engine(base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend == "postgresql":
        return postgres_database("unit")
    path: Path = tmp_path_factory.mktemp("db") / f"nohaven-{_worker()}.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return get_settings().model_copy(update={"database_url": database_url})


def _rolled_back(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    trans = conn.begin()
    try:
        yield conn
    finally:
        trans.rollback()
        conn.close()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    yield from _rolled_back(engine)


@pytest.fixture(scope="session")
def demo_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database with the demo loaded once per worker and backend: loading the demo takes
    seconds, and many tests only need it as the scenery they walk through."""
    if backend == "postgresql":
        url = postgres_database("demo")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / f'demo-{_worker()}.db'}"
    engine = create_db_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    demo_settings = get_settings().model_copy(update={"database_url": url})
    with make_sessionmaker(engine, keyring=data_keyring(demo_settings))() as session:
        load_demo(session, settings=demo_settings)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def demo_connection(demo_engine: Engine) -> Iterator[Connection]:
    """A rolled-back transaction on the demo database. A module that walks the demo overrides
    ``connection`` with it, so ``db``, ``factory``, ``app`` and ``client`` all see the demo."""
    yield from _rolled_back(demo_engine)


@pytest.fixture
def session_factory(connection: Connection, settings: Settings) -> sessionmaker[Session]:
    # Every "commit" inside the code under test only releases a savepoint of the test's own
    # transaction, which is rolled back at the end.
    return sessionmaker(
        bind=connection,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
        info={DATA_KEYRING: data_keyring(settings)},
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def factory(db: Session, settings: Settings) -> Factory:
    return Factory(db, settings)


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    application = create_app(settings, engine=engine)
    application.state.sessionmaker = session_factory
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # HTTPS, as in production: session cookies are Secure and a client keeps them for HTTPS only.
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client
