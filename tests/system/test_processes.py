"""Real `nohaven serve` processes on one database: each process's matching index follows the
others' changes, the jobs run once, and `kill -9` loses nothing committed and leaves nothing
half-written."""

from __future__ import annotations

import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from nohaven.audit import sealing
from nohaven.audit.models import AuditEntry
from nohaven.config import get_settings
from nohaven.db import session_scope
from nohaven.hashes.models import HashEntry
from nohaven.hashes.vics import MediaRecord, write_vics
from nohaven.jobs.models import JobState
from nohaven.main import scheduled_jobs
from tests.conftest import postgres_database
from tests.factories import Factory

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def wait_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not come up:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Cluster:
    database_url: str
    servers: list[Server]
    headers: dict[str, str]
    list_id: str
    start: Any

    def settings(self) -> Any:
        return get_settings().model_copy(update={"database_url": self.database_url})


@pytest.fixture(scope="module")
def cluster(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two servers, shared by this module's tests (starting processes is the slow part); the
    kill test comes last."""
    tmp_path = tmp_path_factory.mktemp("procs")
    url = postgres_database("procs") if backend == "postgresql" else f"sqlite:///{tmp_path}/p.db"
    env = {
        **os.environ,
        "NOHAVEN_DATABASE_URL": url,
        "NOHAVEN_DEMO": "true",
        "NOHAVEN_JOB_WORKER": "true",
        "NOHAVEN_JOB_TICK_SECONDS": "0.2",
        "NOHAVEN_AUDIT_SEAL_SECONDS": "0.5",
    }
    servers: list[Server] = []

    def start(n: int) -> Server:
        port = _free_port()
        log = tmp_path / f"server{n}.log"
        command = [sys.executable, "-m", "nohaven", "serve", "--host", "127.0.0.1"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*command, "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = Server(f"http://127.0.0.1:{port}", process, log)
        servers.append(server)
        return server

    try:
        # Both start at once on an empty database: both migrate, one after the other.
        first, second = start(0), start(1)
        first.wait_up()
        second.wait_up()
        settings = get_settings().model_copy(update={"database_url": url})
        with session_scope(settings) as session:
            factory = Factory(session)
            org = factory.organisation(f"Procs {secrets.token_hex(3)}", kind="law_enforcement")
            headers = factory.headers(factory.user(org, totp=True), scopes=("read", "write"))
        created = httpx.post(
            first.url + "/api/v1/lists",
            json={"name": "Shared across processes", "tlp": "TLP:AMBER"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        yield Cluster(url, servers, headers, created.json()["id"], start)
    finally:
        for server in servers:
            server.stop()


def _match(server: Server, headers: dict[str, str], pdq: str) -> list[str]:
    response = httpx.post(
        server.url + "/api/v1/match",
        json={"queries": [{"signal_type": "pdq", "value": pdq}]},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return [m["entry"]["id"] for m in response.json()["results"][0]["matches"]]


def _within(seconds: float, check: Any) -> float:
    """How long until ``check()`` held; fails after ``seconds``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_hash_added_or_tombstoned_through_one_process_reaches_the_other(
    cluster: Cluster,
) -> None:
    one, other = cluster.servers
    pdq = secrets.token_hex(32)
    assert _match(other, cluster.headers, pdq) == []  # the other index is built and warm
    added = httpx.post(
        f"{one.url}/api/v1/lists/{cluster.list_id}/entries",
        json={"signal_type": "pdq", "value": pdq, "pdq_quality": 90},
        headers=cluster.headers,
    )
    assert added.status_code == 201, added.text
    entry_id = added.json()["id"]
    assert _within(1.0, lambda: _match(other, cluster.headers, pdq) == [entry_id]) < 1.0
    # A near-duplicate is found too: the other process's PDQ index holds it.
    near = f"{int(pdq[:2], 16) ^ 0x01:02x}{pdq[2:]}"
    assert _match(other, cluster.headers, near) == [entry_id]

    gone = httpx.post(
        f"{other.url}/api/v1/hash-entries/{entry_id}/tombstone",
        json={"reason": "test"},
        headers=cluster.headers,
    )
    assert gone.status_code == 200, gone.text
    assert _within(1.0, lambda: _match(one, cluster.headers, near) == []) < 1.0

    # An import published through one process is matched through the other.
    imported = secrets.token_hex(32)
    response = httpx.post(
        f"{one.url}/api/v1/lists/{cluster.list_id}/import?format=vics",
        files={"file": ("set.json", _vics(50, (imported,)), "application/json")},
        headers=cluster.headers,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert _within(1.0, lambda: len(_match(other, cluster.headers, imported)) == 1) < 1.0


def test_each_job_runs_once_with_two_servers_up(cluster: Cluster) -> None:
    def states() -> dict[str, JobState]:
        with session_scope(cluster.settings()) as session:
            found = {s.name: s for s in session.scalars(select(JobState))}
            for state in found.values():
                session.expunge(state)
            return found

    jobs = scheduled_jobs(cluster.settings())
    # Both workers have looked several times (every 0.2 s) since the jobs first fell due.
    _within(30, lambda: set(states()) == set(jobs))
    time.sleep(2)
    ran = states()
    # Jobs due again within a minute (the sealer, outbox senders) may have run more than once
    # by now; each due time still runs once, as the audit entries below show.
    rare = [n for n, job in jobs.items() if job.every >= timedelta(minutes=1)]
    assert rare
    for name in rare:
        # Due once (at start), run once, not once per server.
        assert ran[name].runs == 1, (name, ran[name].runs, ran[name].last_runner)
        assert ran[name].last_outcome == "done"
    assert ran["audit.seal"].runs > 1  # every 0.5 s, by whichever server got there first
    with session_scope(cluster.settings()) as session:
        job_entries = session.scalars(
            select(AuditEntry.resource_id).where(AuditEntry.action == "job.run")
        ).all()
        # A job that changed something audits its run: never twice for one due time.
        assert len(job_entries) == len(set(job_entries))
        result = sealing.verify(session)
        assert result.ok, result.reason
        assert result.checked > 0
        assert result.unsealed_age_seconds() < 5


def _vics(count: int, pdqs: tuple[str, ...] = ()) -> bytes:
    records = (
        MediaRecord(
            pdq=pdqs[i] if i < len(pdqs) else secrets.token_hex(32),
            md5=secrets.token_hex(16),
            category=1,
        )
        for i in range(count)
    )
    out = io.StringIO()
    write_vics(records, out)
    return out.getvalue().encode()


def _entries(cluster: Cluster) -> int:
    with session_scope(cluster.settings()) as session:
        query = select(func.count()).select_from(HashEntry)
        return int(session.scalar(query.where(HashEntry.list_id == cluster.list_id)) or 0)


def test_kill_9_mid_import_loses_nothing_committed_and_leaves_nothing_half_written(
    cluster: Cluster,
) -> None:
    one, other = cluster.servers
    kept = secrets.token_hex(32)
    added = httpx.post(
        f"{one.url}/api/v1/lists/{cluster.list_id}/entries",
        json={"signal_type": "pdq", "value": kept, "pdq_quality": 90},
        headers=cluster.headers,
    )
    assert added.status_code == 201
    records = 30_000
    data = _vics(records)
    before = _entries(cluster)
    outcome: dict[str, Any] = {}

    def upload() -> None:
        try:
            outcome["response"] = httpx.post(
                f"{one.url}/api/v1/lists/{cluster.list_id}/import?format=vics",
                files={"file": ("big.json", data, "application/json")},
                headers=cluster.headers,
                timeout=120,
            )
        except httpx.HTTPError as exc:
            outcome["error"] = exc

    uploading = threading.Thread(target=upload)
    uploading.start()
    time.sleep(1.0)  # the body is sent and the import is under way
    one.process.send_signal(signal.SIGKILL)
    one.process.wait(timeout=10)
    uploading.join(timeout=60)
    assert "error" in outcome or outcome["response"].status_code == 200

    # What was committed before is still there, and found through the survivor.
    assert _match(other, cluster.headers, kept) == [added.json()["id"]]
    count = _entries(cluster)
    # All of the import (a PDQ and an MD5 entry per record) or none of it.
    assert count in (before, before + 2 * records), count
    print(f"kill -9 during import: {count - before} entries committed")  # noqa: T201
    # A fresh process starts cleanly on what the dead one left, and the chain still verifies.
    again: Server = cluster.start(2)
    again.wait_up()
    assert _match(again, cluster.headers, kept) == [added.json()["id"]]
    with session_scope(cluster.settings()) as session:
        result = sealing.verify(session)
        assert result.ok, result.reason
