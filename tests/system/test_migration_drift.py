"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL.

The session's database is built by running every migration; Alembic's autogenerate comparison
then lists what the models declare that the migrated schema lacks or has otherwise (tables,
columns, types, nullability, indexes, unique constraints, foreign keys). A model changed
without a migration, or a migration that does not do what the model says, fails here."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from nohaven.db import Base
from nohaven.models import import_all_models

# Alembic's own bookkeeping table is not a model.
IGNORED_TABLES = {"alembic_version"}


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (type_ == "table" and name in IGNORED_TABLES)


def test_models_and_migrations_describe_the_same_schema(engine: Engine) -> None:
    import_all_models()
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": False,
                "include_object": _include_object,
            },
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "\n".join(str(d) for d in differences)
