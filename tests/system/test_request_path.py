"""The request path under load: one connection and one short transaction per request, reads
that take no write lock, token use written off the hot path. Real uvicorn on loopback, on a
committed database of its own (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import secrets
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url

from nohaven import transactions
from nohaven.auth.models import ApiToken
from nohaven.db import session_scope
from nohaven.hashes import matching
from nohaven.hashes.hma_csv import SignalRow, write_hma_csv
from nohaven.main import create_app
from tests.system.live import World, build_world, closes_at, fresh_database, serve


@pytest.fixture
def strict_intent(monkeypatch: pytest.MonkeyPatch) -> None:
    # A request declared as reading that writes fails loudly (500) instead of upgrading.
    monkeypatch.setattr(transactions, "strict_intent", True)


@pytest.fixture
def world(backend: str, tmp_path: Path) -> World:
    return build_world(fresh_database(backend, tmp_path, "reqpath"))


def _flip(value: str, bits: int) -> str:
    number = int(value, 16)
    for bit in range(bits):
        number ^= 1 << (bit * 7)
    return f"{number:064x}"


@pytest.mark.slow
@pytest.mark.usefixtures("strict_intent")
def test_many_clients_at_once_all_succeed(world: World) -> None:
    """Matching, trust votes, motion votes, reads and imports from 22 clients through 4 worker
    threads: every answer 2xx, in bounded time. Before, the pool deadlocked (a request held
    one connection while waiting for a second one) and SQLite answered "database is locked"."""
    settings = world.settings.model_copy(update={"request_threads": 4, "db_wait_seconds": 30})
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    rounds = 10

    with serve(settings) as served, httpx.Client(base_url=served.url, timeout=60) as setup:
        motion = setup.post(
            "/api/v1/motions",
            json={"body": world.body_slug, "title": "Adopt the plan", "closes_at": closes_at()},
            headers=world.chair,
        )
        assert motion.status_code == 201, motion.text
        motion_id = motion.json()["id"]

        def run(work: Callable[[httpx.Client, int], httpx.Response]) -> None:
            with httpx.Client(base_url=served.url, timeout=60) as client:
                for n in range(rounds):
                    try:
                        response = work(client, n)
                    except httpx.HTTPError as exc:
                        with lock:
                            failures.append(repr(exc))
                        continue
                    with lock:
                        statuses[response.status_code] += 1
                        if response.status_code >= 300:
                            failures.append(f"{response.request.url}: {response.text[:300]}")

        def matcher(headers: dict[str, str]) -> Callable[[httpx.Client, int], httpx.Response]:
            def work(client: httpx.Client, n: int) -> httpx.Response:
                value = world.pdq_values[n % len(world.pdq_values)]
                queries = [{"signal_type": "pdq", "value": _flip(value, 3)}]
                queries += [{"signal_type": "pdq", "value": secrets.token_hex(32)}] * 4
                return client.post("/api/v1/match", json={"queries": queries}, headers=headers)

            return work

        def truster(headers: dict[str, str]) -> Callable[[httpx.Client, int], httpx.Response]:
            def work(client: httpx.Client, n: int) -> httpx.Response:
                entry = world.entry_ids[n % len(world.entry_ids)]
                verdict = "confirm" if n % 3 else "dispute"
                return client.post(
                    f"/api/v1/hash-entries/{entry}/votes",
                    json={"verdict": verdict},
                    headers=headers,
                )

            return work

        def voter(headers: dict[str, str]) -> Callable[[httpx.Client, int], httpx.Response]:
            receipt: list[str] = []

            def work(client: httpx.Client, n: int) -> httpx.Response:
                ballot = {"option": "yes" if n % 2 else "no"}
                if receipt:
                    ballot["receipt"] = receipt[0]
                response = client.post(
                    f"/api/v1/motions/{motion_id}/votes", json=ballot, headers=headers
                )
                if response.status_code == 200 and not receipt:
                    receipt.append(response.json()["receipt"])
                return response

            return work

        def reader(
            headers: dict[str, str], paths: list[str]
        ) -> Callable[[httpx.Client, int], httpx.Response]:

            def work(client: httpx.Client, n: int) -> httpx.Response:
                return client.get(paths[n % len(paths)], headers=headers)

            return work

        def importer(client: httpx.Client, n: int) -> httpx.Response:
            # Two imports of 3,000 records each while everything else goes on.
            if n % 5:
                return client.get(f"/api/v1/lists/{world.list_id}", headers=world.owner)
            rows = [
                SignalRow("md5", secrets.token_hex(16), category="TRUE_POSITIVE")
                for _ in range(3000)
            ]
            out = io.StringIO()
            write_hma_csv(rows, out)
            return client.post(
                f"/api/v1/lists/{world.list_id}/import?format=hma",
                files={"file": ("load.csv", out.getvalue().encode(), "text/csv")},
                headers=world.owner,
            )

        works = [importer]
        works += [matcher(h) for h in world.partners + [world.owner] * 4]
        works += [truster(h) for h in world.partners]
        works += [voter(h) for h in world.voters]
        hashes = ["/api/v1/lists", f"/api/v1/lists/{world.list_id}/entries", "/api/v1/health"]
        works += [reader(h, hashes) for h in [world.owner, *world.partners[:3]]]
        works += [reader(world.chair, [f"/api/v1/motions/{motion_id}", "/api/v1/motions"])]
        threads = [threading.Thread(target=run, args=(w,)) for w in works]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        elapsed = time.monotonic() - started

    assert not any(t.is_alive() for t in threads), "clients still waiting after 180 s"
    assert failures == [], failures[:5]
    assert sum(statuses.values()) == len(works) * rounds
    assert elapsed < 120, elapsed


def _sqlite_path(world: World) -> str:
    database = make_url(world.settings.database_url).database
    assert database
    return database


@pytest.mark.usefixtures("strict_intent")
def test_reads_take_no_write_lock_and_a_blocked_write_is_503(backend: str, world: World) -> None:
    """Another process holds SQLite's write lock (a long CLI import, say): reads answer at
    once; a write waits its turn for a bounded time, then 503 with Retry-After, never 500."""
    if backend != "sqlite":
        pytest.skip("SQLite's file lock; PostgreSQL readers never block (MVCC)")
    settings = world.settings.model_copy(update={"db_wait_seconds": 1.0})
    with serve(settings) as served, httpx.Client(base_url=served.url, timeout=30) as client:
        assert client.get("/api/v1/lists", headers=world.owner).status_code == 200
        holder = sqlite3.connect(_sqlite_path(world), isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("UPDATE hash_lists SET description = description")
            started = time.monotonic()
            lists = client.get("/api/v1/lists", headers=world.partners[0])
            entries = client.get(f"/api/v1/lists/{world.list_id}/entries", headers=world.owner)
            health = client.get("/api/v1/health")
            assert time.monotonic() - started < 2.0
            assert (lists.status_code, entries.status_code, health.status_code) == (200, 200, 200)
            blocked = client.post(
                f"/api/v1/hash-entries/{world.entry_ids[0]}/votes",
                json={"verdict": "confirm"},
                headers=world.partners[0],
            )
            assert blocked.status_code == 503
            assert blocked.headers["content-type"] == "application/problem+json"
            assert int(blocked.headers["retry-after"]) >= 1
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        after = client.post(
            f"/api/v1/hash-entries/{world.entry_ids[0]}/votes",
            json={"verdict": "confirm"},
            headers=world.partners[0],
        )
        assert after.status_code == 200, after.text


def _last_used(world: World) -> dict[str, object]:
    with session_scope(world.settings) as session:
        return {t.id: t.last_used_at for t in session.execute(select(ApiToken)).scalars()}


def test_token_use_is_noted_in_memory_and_written_in_batches(world: World) -> None:
    app = create_app(world.settings)
    try:
        client = TestClient(app)  # no lifespan: no timed flusher, the test flushes itself
        before = _last_used(world)
        assert set(before.values()) == {None}
        assert client.get("/api/v1/lists", headers=world.owner).status_code == 200
        assert client.get("/api/v1/lists", headers=world.partners[0]).status_code == 200
        assert _last_used(world) == before  # the read wrote nothing
        usage = app.state.token_usage
        assert len(usage.pending()) == 2
        assert usage.flush(app.state.sessionmaker) == 2
        used = {k for k, v in _last_used(world).items() if v is not None}
        assert len(used) == 2
        # Within the minute, another use notes nothing new.
        assert client.get("/api/v1/lists", headers=world.owner).status_code == 200
        assert usage.pending() == {}
    finally:
        app.state.engine.dispose()


def test_token_use_is_written_while_every_request_thread_is_taken(world: World) -> None:
    """The flusher has a thread of its own. It used to borrow a request thread to wait for
    SQLite's write gate; a request holding the gate could then find no thread to finish in,
    and the queue behind the gate ended, at its timeout, in a burst of 503s."""
    settings = world.settings.model_copy(update={"request_threads": 1})
    release = threading.Event()
    entered = threading.Semaphore(0)

    def hold() -> dict[str, str]:
        entered.release()
        release.wait(60)
        return {}

    with serve(settings) as served, httpx.Client(base_url=served.url, timeout=90) as client:
        served.app.add_api_route("/test/hold", hold)
        assert client.get("/api/v1/lists", headers=world.owner).status_code == 200
        pool = served.app.state.request_threads
        holders = [
            threading.Thread(target=lambda: httpx.get(served.url + "/test/hold", timeout=90))
            for _ in range(pool)
        ]
        try:
            for holder in holders:
                holder.start()
            for _ in holders:
                assert entered.acquire(timeout=30), "the holding requests did not start"
            served.app.state.token_usage_flusher.flush_soon()
            deadline = time.monotonic() + 30
            while not any(_last_used(world).values()):
                assert time.monotonic() < deadline, "token use was not written"
                time.sleep(0.05)
        finally:
            release.set()
            for holder in holders:
                holder.join(timeout=30)


def test_a_search_waiting_for_the_write_gate_holds_no_index_lock(
    backend: str, world: World
) -> None:
    """Lock order: the transaction (on SQLite the process's write gate) before the matching
    index's lock. A search that took the index lock and then queued at the gate stalled every
    other search, and the gate's holder if it needed the index, until the gate's timeout."""
    if backend != "sqlite":
        pytest.skip("the write gate is SQLite's")
    app = create_app(world.settings.model_copy(update={"db_wait_seconds": 60}))
    index = matching.HashIndex()
    holder = app.state.sessionmaker()
    try:
        holder.execute(select(ApiToken.id).limit(1))  # a writer's BEGIN: the gate is held
        searching = threading.Thread(
            target=lambda: _search(app, index, world.pdq_values[0]), daemon=True
        )
        searching.start()
        deadline = time.monotonic() + 30
        while not _waits_at_the_gate(searching):
            assert time.monotonic() < deadline, "the search never reached the gate"
            time.sleep(0.01)
        assert index._lock.acquire(blocking=False), "the search waits at the gate holding the index"
        index._lock.release()
    finally:
        holder.close()
    searching.join(timeout=30)
    assert not searching.is_alive()


def _search(app: FastAPI, index: matching.HashIndex, value: str) -> None:
    with app.state.sessionmaker() as session:
        index.search_pdq(session, [value], 0)


def _waits_at_the_gate(thread: threading.Thread) -> bool:
    frame = sys._current_frames().get(thread.ident or 0)
    while frame is not None:
        if frame.f_code.co_name == "enter" and "WriteGate" in repr(frame.f_locals.get("self")):
            return True
        frame = frame.f_back
    return False
