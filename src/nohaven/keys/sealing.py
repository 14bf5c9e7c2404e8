"""Sealing personal data at rest: each value bound to its table, field and row, so a sealed
value copied elsewhere does not open. The data key ring travels with the session (its
``info``, set where the sessionmaker is made), never read from the environment here."""

from __future__ import annotations

from sqlalchemy.orm import Session, object_session

from nohaven.db import DATA_KEYRING
from nohaven.kit.crypto import Keyring, seal, unseal


def session_keyring(session: Session) -> Keyring:
    ring = session.info.get(DATA_KEYRING)
    if not isinstance(ring, Keyring):
        raise RuntimeError(
            "this session carries no data key ring: make it with "
            "nohaven.db.make_sessionmaker(engine, keyring=...) or session_scope(settings)"
        )
    return ring


def _context(table: str, field: str, row_id: str) -> str:
    return f"{table}.{field}:{row_id}"


def seal_value(
    session: Session, table: str, field: str, row_id: str, value: str | None
) -> str | None:
    if value is None:
        return None
    return seal(session_keyring(session), value, context=_context(table, field, row_id))


def open_value(
    session: Session, table: str, field: str, row_id: str, sealed: str | None
) -> str | None:
    if sealed is None:
        return None
    return unseal(session_keyring(session), sealed, context=_context(table, field, row_id))


def row_session(row: object) -> Session:
    """The session a loaded row belongs to, whose key ring opens what the row holds sealed."""
    session = object_session(row)
    if session is None:
        raise RuntimeError(
            f"{type(row).__name__} is not in a session: its sealed values cannot open"
        )
    return session
