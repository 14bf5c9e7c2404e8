"""Database errors end in the error log with their traceback; the values a statement carried
(personal data, possibly) must not be in that text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from nohaven.db import create_db_engine


def test_a_database_error_does_not_carry_the_statements_values(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'errors.db'}")
    try:
        with engine.connect() as connection, pytest.raises(DBAPIError) as raised:
            connection.execute(
                text("INSERT INTO no_such_table (name) VALUES (:name)"),
                {"name": "Jane Roe, born 1970-01-01"},
            )
    finally:
        engine.dispose()
    message = str(raised.value)
    assert "no_such_table" in message
    assert "Jane Roe" not in message
