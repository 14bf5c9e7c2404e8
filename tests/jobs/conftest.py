"""The job runner commits, like in real use: each test gets a database of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from nohaven import migrate
from nohaven.db import create_db_engine
from tests.conftest import postgres_database


@pytest.fixture
def own_url(backend: str, tmp_path: Path) -> str:
    return postgres_database("jobs") if backend == "postgresql" else f"sqlite:///{tmp_path}/j.db"


@pytest.fixture
def own_engine(own_url: str) -> Iterator[Engine]:
    engine = create_db_engine(own_url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield engine
    engine.dispose()
