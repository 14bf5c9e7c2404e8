"""A GET writes nothing (issue 13): every GET route of every domain, API and pages, is asked
by a user who may read nearly everything, its path filled with identifiers of the demo's rows
(the way `tests/system/test_existence.py` fills them); afterwards every table holds exactly
what it held before.

Two exceptions are declared, not discovered: a route marked ``@writes`` records an audited
read of sensitive data, as the project's contract requires, so it may add audit entries; and
`KNOWN` lists GETs of other domains that still write, each reported to its owner. Any other
write during a GET fails the test, which names the route, the table and the statement.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from nohaven import models  # noqa: F401 - every domain's tables in the metadata
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.config import Settings
from nohaven.db import Base
from nohaven.governance.motions.models import Motion
from nohaven.kit.clock import utcnow
from nohaven.members.models import Organisation
from nohaven.policy.models import Criterion
from nohaven.transactions import request_writes
from tests.factories import Factory, web_login
from tests.system.test_existence import BY_ROUTE, HIDDEN, PUBLIC, Source, _more_hidden_rows, walk


@pytest.fixture
def connection(demo_connection: Connection) -> Connection:
    """This module walks the demo, loaded once per worker (tests/conftest.py)."""
    return demo_connection


# What an audited read writes, and nothing else.
AUDITED_READ_TABLES = frozenset({"audit_entries"})
# GETs of other domains that write today: (path, table) -> why. Reported, not endorsed.
RECEIPT = "travel: opening a notification records its read receipt (declared @writes)"
KNOWN: dict[tuple[str, str], str] = {
    ("/api/v1/travel/notifications/{notification_id}", "travel_read_receipts"): RECEIPT,
    ("/api/v1/travel/notifications/{notification_id}/read-receipts", "travel_read_receipts"): (
        RECEIPT
    ),
    ("/travel/{notification_id}", "travel_read_receipts"): RECEIPT,
    ("/travel/{notification_id}/amend", "travel_read_receipts"): RECEIPT,
}
WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?(\w+)", re.I)


def _snapshot(conn: Connection) -> dict[str, str]:
    """Each table's rows, hashed in a stable order."""
    out = {}
    for table in Base.metadata.sorted_tables:
        rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
        out[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


@contextmanager
def _writes_seen(conn: Connection) -> Iterator[list[tuple[str, str]]]:
    """(table, statement) of every write sent on the connection meanwhile."""
    seen: list[tuple[str, str]] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found = WRITE.match(statement)
        if found:
            seen.append((found.group(2).lower(), " ".join(statement.split())[:160]))

    event.listen(conn, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(conn, "before_cursor_execute", record)


def _readable(db: Session, actor: Actor, source: Source) -> str | None:
    """An identifier of a row the actor may read (the first row when none is)."""
    first = None
    for row in db.execute(select(source.model)).scalars():
        value = str(getattr(row, source.column))
        first = first or value
        if can(actor, Action.READ, row):
            return value
    return first


def test_a_get_on_any_route_leaves_the_database_unchanged(
    app: FastAPI,
    client: TestClient,
    db: Session,
    factory: Factory,
    connection: Connection,
    settings: Settings,
) -> None:
    _more_hidden_rows(db, factory)
    # Two readers between them see nearly everything: the secretariat, and a law-enforcement
    # agency that owns hash lists, travel notifications and deconfliction cases.
    readers = [
        factory.user(
            _organisation(db, short_name), roles=(*roles, "org_admin", "delegate"), totp=True
        )
        for short_name, roles in (
            ("WPGA Secretariat", ("secretariat_admin",)),
            ("NCA", ("analyst",)),
        )
    ]
    key = db.execute(select(Criterion.key)).scalars().first() or ""
    # A motion past its deadline that the close job has not counted yet: reading it must not
    # count it (it once did).
    due = db.execute(select(Motion).where(Motion.closed_at.is_(None))).scalars().first()
    assert due is not None
    due.closes_at = utcnow() - timedelta(minutes=1)
    db.flush()

    asked, failures, changed = [], [], set()
    for user in readers:
        actor = factory.actor(user)
        public = dict(PUBLIC, organisation_id=str(user.organisation_id), key=key)
        api_headers = factory.headers(user, scopes=("read",))
        web_login(client, user)
        db.flush()
        before = _snapshot(connection)
        for path, route in walk(app.routes):
            if "GET" not in route.methods:
                continue
            url = path
            for param in re.findall(r"{(\w+)}", path):
                source = BY_ROUTE.get((path, param)) or HIDDEN.get(param)
                value = _readable(db, actor, source) if source else public.get(param)
                url = url.replace(f"{{{param}}}", value or "missing")
            audited = _declares_writes(route)
            with _writes_seen(connection) as seen:
                response = client.get(
                    url,
                    headers=api_headers if path.startswith("/api/") else {},
                    follow_redirects=False,
                )
            asked.append(f"{response.status_code} {url}")
            assert response.status_code < 500, (url, response.text[:500])
            for table, statement in seen:
                if (audited and table in AUDITED_READ_TABLES) or (path, table) in KNOWN:
                    continue
                failures.append(f"GET {path} ({response.status_code}) wrote {table}: {statement}")
        if can(actor, Action.READ, due):
            for url in (f"/motions/{due.id}", f"/api/v1/motions/{due.id}"):
                with _writes_seen(connection) as seen:
                    response = client.get(
                        url, headers=api_headers if url.startswith("/api/") else {}
                    )
                assert response.status_code == 200, url
                failures += [f"GET {url} wrote {table}: {statement}" for table, statement in seen]
            assert "being counted" in client.get(f"/motions/{due.id}").text
        after = _snapshot(connection)
        changed |= {t for t in before if before[t] != after[t]}
    allowed = set(AUDITED_READ_TABLES) | {table for _, table in KNOWN}
    assert not failures, "\n".join(failures)
    assert changed <= allowed, f"tables changed by GETs: {sorted(changed - allowed)}"
    # The walk must actually walk: most GETs found their row and answered it.
    assert sum(a.startswith("200") for a in asked) > 180, asked


def _organisation(db: Session, short_name: str) -> Organisation:
    return db.execute(
        select(Organisation).where(Organisation.short_name == short_name)
    ).scalar_one()


def _declares_writes(route: APIRoute) -> bool:
    """Whether the route is declared an audited read (`nohaven.transactions.writes`)."""
    scope = {"type": "http", "method": "GET", "route": route}
    return request_writes(_Scoped(scope))


class _Scoped:
    def __init__(self, scope: dict[str, Any]) -> None:
        self.scope = scope
        self.method = scope["method"]
