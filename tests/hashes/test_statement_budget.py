"""How many SQL statements the hottest requests cost, held to a budget on both databases.

Each statement is a round trip and most of a small request's CPU (docs/benchmarks.md, "Where
the time goes"), so a change that adds one to a match or a list read should be a decision,
not an accident. The budgets are today's counts: a test here that fails after a change either
found a regression or needs its budget raised on purpose, with the reason in the commit.

Counted: every statement the request's session sends on the test's connection, minus the
savepoints the test harness itself wraps sessions in. The actor cache and the matching index
are made to keep what they know for the test, so the count is the request's own work, not a
one-second cache expiring on a slow machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from nohaven.auth.actor_cache import ActorCache
from nohaven.hashes import matching, service
from tests.factories import Factory
from tests.hashes.conftest import World, api_headers, md5_entry, pdq_entry, shared_list

# statements per request: reads of the hits with their quarantines, of their lists with the
# owners' names, the sightings' INSERT and the audit entry's INSERT
MATCH_PDQ_BUDGET = 4
MATCH_MD5_BUDGET = 5  # and the exact values' lookup
LISTS_BUDGET = 1
ENTRIES_BUDGET = 2  # the list (may the caller see it?) and a page of its entries

_HARNESS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def counted(connection: Connection) -> Iterator[list[str]]:
    """Statements sent on ``connection`` by request threads meanwhile (not by the token-use
    flusher's thread, which may wake during the test)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread().name.startswith("nohaven-"):
            return
        if not statement.lstrip().upper().startswith(_HARNESS):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", note)


def _steady(app: FastAPI) -> None:
    # Caches that forget after a second or look again after a quarter of one would make the
    # count depend on the machine's speed: here they remember for the test's length.
    app.state.actor_cache = ActorCache(ttl=3600.0)
    app.state.hash_index = matching.HashIndex(max_staleness=3600.0)


def test_hot_requests_stay_within_their_statement_budget(
    client: TestClient,
    app: FastAPI,
    connection: Connection,
    db: Session,
    factory: Factory,
    world: World,
) -> None:
    listed = shared_list(db, world)
    pdq = pdq_entry()
    md5 = md5_entry()
    for entry in (pdq, md5):
        service.add_entry(db, actor=world.owner.actor, list_id=listed.id, data=entry)
    db.commit()
    headers = api_headers(factory, world.partner.user)
    _steady(app)

    def match(kind: str, value: str) -> None:
        body = {"queries": [{"signal_type": kind, "value": value}]}
        response = client.post("/api/v1/match", json=body, headers=headers)
        assert response.status_code == 200, response.text
        assert len(response.json()["results"][0]["matches"]) == 1

    def read(path: str) -> None:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()

    requests: dict[str, tuple[Callable[[], None], int]] = {
        "match pdq": (lambda: match("pdq", pdq.value), MATCH_PDQ_BUDGET),
        "match md5": (lambda: match("md5", md5.value), MATCH_MD5_BUDGET),
        "lists": (lambda: read("/api/v1/lists"), LISTS_BUDGET),
        "entries": (lambda: read(f"/api/v1/lists/{listed.id}/entries"), ENTRIES_BUDGET),
    }
    for send, _ in requests.values():
        send()  # the actor and the index learn what they need once
    over = {}
    for name, (send, budget) in requests.items():
        with counted(connection) as statements:
            send()
        if len(statements) > budget:
            over[name] = statements
    assert not over, over
