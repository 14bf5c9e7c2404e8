"""A long import does not hold up anyone else, and leaves nothing when it fails or is killed.

These tests run on a committed database of their own (SQLite file or PostgreSQL database), as
a deployment does: the import takes its own connections, other users reach a live server over
loopback at the same time, and a real `nohaven hashes import` process is killed mid-import.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from nohaven import migrate
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.config import Settings, get_settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.hashes import exchange, service
from nohaven.hashes.models import HashEntry, HashList
from nohaven.keys.ring import data_keyring
from nohaven.main import create_app
from tests.conftest import postgres_database
from tests.factories import Factory
from tests.hashes.conftest import md5_entry
from tests.hashes.vicsfiles import HASHES_PER_RECORD, vics_set


@dataclass
class Deployment:
    url: str
    engine: Engine
    owner_email: str
    owner: Actor
    owner_token: str
    partner_token: str
    list_id: str  # the list imports go into
    busy_list_id: str  # the list other users work on meanwhile
    busy_entry_id: str
    settings: Settings = field(repr=False, default_factory=get_settings)

    def entries(self, list_id: str) -> int:
        with Session(self.engine) as session:
            return session.execute(
                select(func.count()).select_from(HashEntry).where(HashEntry.list_id == list_id)
            ).scalar_one()

    def change_seq(self, list_id: str) -> int:
        with Session(self.engine) as session:
            return session.execute(
                select(HashList.change_seq).where(HashList.id == list_id)
            ).scalar_one()

    def import_audits(self, list_id: str) -> list[dict[str, object]]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(AuditEntry.summary).where(
                    AuditEntry.action == "hashes.import", AuditEntry.resource_id == list_id
                )
            ).scalars()
            return [json.loads(r) for r in rows]

    def import_bytes(self, data: bytes) -> exchange.importing.Report:
        return exchange.import_file(
            make_sessionmaker(self.engine, keyring=data_keyring(get_settings())),
            actor=self.owner,
            list_id=self.list_id,
            fmt="vics",
            source=io.BytesIO(data),
        )


@pytest.fixture
def deployment(backend: str, tmp_path: Path) -> Iterator[Deployment]:
    if backend == "postgresql":
        url = postgres_database("imports")
    else:
        url = f"sqlite:///{tmp_path / 'imports.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with make_sessionmaker(engine, keyring=data_keyring(get_settings()))() as session:
        factory = Factory(session)
        org = factory.organisation(f"Owner {secrets.token_hex(3)}", kind="law_enforcement")
        user = factory.user(org, roles=("analyst",), totp=True)
        partner_org = factory.organisation(f"Partner {secrets.token_hex(3)}", kind="hotline")
        partner = factory.user(partner_org, roles=("analyst",), totp=True)
        owner = factory.actor(user)
        lists = [
            service.create_list(
                session,
                actor=owner,
                data=service.HashListCreate(
                    name=name,
                    tlp="TLP:AMBER",  # type: ignore[arg-type]
                    audience_organisation_ids=[partner_org.id],
                ),
            ).id
            for name in ("Imported", "Busy")
        ]
        busy_entry = service.add_entry(
            session,
            actor=owner,
            list_id=lists[1],
            data=md5_entry(classification_scheme="vics_us", classification="1"),
        )
        deployment = Deployment(
            url=url,
            engine=engine,
            owner_email=user.email,
            owner=owner,
            owner_token=factory.token(user, scopes=("read", "write")),
            partner_token=factory.token(partner, scopes=("read", "write")),
            list_id=lists[0],
            busy_list_id=lists[1],
            busy_entry_id=busy_entry.id,
            settings=get_settings().model_copy(update={"database_url": url, "demo": True}),
        )
        session.commit()
    yield deployment
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live(deployment: Deployment) -> Iterator[str]:
    port = _free_port()
    app = create_app(deployment.settings.model_copy(update={"port": port}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


@dataclass
class Traffic:
    """Other users' requests while an import runs: (finished at, what, status)."""

    done: list[tuple[float, str, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def _other_user(base: str, deployment: Deployment, traffic: Traffic, kind: str) -> None:
    owner = {"Authorization": f"Bearer {deployment.owner_token}"}
    partner = {"Authorization": f"Bearer {deployment.partner_token}"}
    busy = deployment.busy_list_id
    with httpx.Client(base_url=base, timeout=60) as client:
        while not traffic.stop.is_set():
            try:
                if kind == "read":
                    answer = client.get("/api/v1/lists", headers=partner)
                    if answer.status_code == 200:
                        answer = client.get(f"/api/v1/lists/{busy}/entries", headers=partner)
                elif kind == "add":
                    answer = client.post(
                        f"/api/v1/lists/{busy}/entries",
                        json={"signal_type": "md5", "value": secrets.token_hex(16)},
                        headers=owner,
                    )
                else:
                    answer = client.post(
                        f"/api/v1/hash-entries/{deployment.busy_entry_id}/votes",
                        json={"verdict": secrets.choice(["confirm", "dispute"])},
                        headers=partner,
                    )
            except httpx.HTTPError as exc:
                traffic.failures.append(f"{kind}: {exc!r}")
                continue
            traffic.done.append((time.monotonic(), kind, answer.status_code))
            if answer.status_code >= 300:
                traffic.failures.append(f"{kind}: {answer.status_code} {answer.text[:200]}")


@pytest.mark.slow
def test_others_read_and_write_while_a_long_import_runs(deployment: Deployment, live: str) -> None:
    records = 15_000
    data = vics_set(records, seed=3)
    traffic = Traffic()
    users = [
        threading.Thread(target=_other_user, args=(live, deployment, traffic, kind))
        for kind in ("read", "read", "add", "vote")
    ]
    for user in users:
        user.start()
    time.sleep(0.5)
    started = time.monotonic()
    with httpx.Client(base_url=live, timeout=300) as client:
        answer = client.post(
            f"/api/v1/lists/{deployment.list_id}/import?format=vics",
            files={"file": ("set.json", data, "application/json")},
            headers={"Authorization": f"Bearer {deployment.owner_token}"},
        )
    finished = time.monotonic()
    time.sleep(0.3)
    traffic.stop.set()
    for user in users:
        user.join(timeout=60)

    assert answer.status_code == 200, answer.text
    assert answer.json()["added"] == records * HASHES_PER_RECORD
    assert deployment.entries(deployment.list_id) == records * HASHES_PER_RECORD
    assert traffic.failures == []
    during = [kind for at, kind, _ in traffic.done if started < at < finished]
    # Everyone else got on with their work while the import ran, reads and writes alike.
    assert during.count("read") >= 4, (finished - started, len(traffic.done))
    assert during.count("add") >= 2
    assert during.count("vote") >= 2


def test_a_bad_record_in_the_middle_leaves_nothing(deployment: Deployment) -> None:
    records = 12_000
    report = deployment.import_bytes(vics_set(records, seed=5, bad_at=records // 2 + 7))

    assert not report.committed
    assert [n for n, _ in report.rejected] == [records // 2 + 7]
    assert deployment.entries(deployment.list_id) == 0
    assert deployment.change_seq(deployment.list_id) == 0
    (attempt,) = deployment.import_audits(deployment.list_id)
    assert attempt["committed"] is False
    assert attempt["rejected"] == 1
    _assert_no_staging_left(deployment)
    # The same pool serves the next import, which goes through.
    report = deployment.import_bytes(vics_set(500, seed=5))
    assert report.committed
    assert deployment.entries(deployment.list_id) == 500 * HASHES_PER_RECORD


class _BrokenUpload(io.RawIOBase):
    """An upload that breaks off after ``limit`` bytes."""

    def __init__(self, data: bytes, limit: int) -> None:
        self._data = io.BytesIO(data)
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            raise OSError("connection reset by peer")
        chunk = self._data.read(min(len(buffer), self._left))
        self._left -= len(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_an_import_that_breaks_off_leaves_nothing(deployment: Deployment) -> None:
    data = vics_set(12_000, seed=6)
    with pytest.raises(OSError, match="reset"):
        exchange.import_file(
            make_sessionmaker(deployment.engine, keyring=data_keyring(get_settings())),
            actor=deployment.owner,
            list_id=deployment.list_id,
            fmt="vics",
            source=io.BufferedReader(_BrokenUpload(data, len(data) * 2 // 3)),
        )
    assert deployment.entries(deployment.list_id) == 0
    assert deployment.change_seq(deployment.list_id) == 0
    assert deployment.import_audits(deployment.list_id) == []
    _assert_no_staging_left(deployment)


def _staging_tables(deployment: Deployment) -> int:
    """PostgreSQL: staging tables of any session (SQLite's are private to a connection)."""
    with deployment.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_class"
                    " WHERE relname LIKE 'hash_import_%' AND relpersistence = 't'"
                )
            ).scalar_one()
        )


def _assert_no_staging_left(deployment: Deployment) -> None:
    if deployment.engine.dialect.name == "postgresql":
        deadline = time.monotonic() + 15  # a killed client's backend may take a moment to go
        while _staging_tables(deployment) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _staging_tables(deployment) == 0


@pytest.mark.slow
def test_an_import_killed_mid_way_leaves_nothing(deployment: Deployment) -> None:
    records = 20_000
    data = vics_set(records, seed=7)
    env = {
        **os.environ,
        "NOHAVEN_DATABASE_URL": deployment.url,
        "COLUMNS": "120",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nohaven",
            "hashes",
            "import",
            "-",
            "--list",
            deployment.list_id,
            "--as",
            deployment.owner_email,
            "--format",
            "vics",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdin is not None
    # Half the file: the writes return once the importer has read all but a pipe's worth, so
    # it is staging by now, and it waits for the rest, which never comes.
    process.stdin.write(data[: len(data) // 2])
    process.stdin.flush()
    if deployment.engine.dialect.name == "postgresql":
        deadline = time.monotonic() + 60
        while not _staging_tables(deployment):
            assert time.monotonic() < deadline, "the import never started staging"
            time.sleep(0.05)
    time.sleep(1.0)
    assert process.poll() is None, process.stderr.read() if process.stderr else ""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert deployment.entries(deployment.list_id) == 0
    assert deployment.change_seq(deployment.list_id) == 0
    assert deployment.import_audits(deployment.list_id) == []
    _assert_no_staging_left(deployment)
    # Nothing holds the database: the whole file imports now.
    report = deployment.import_bytes(data)
    assert report.committed
    assert deployment.entries(deployment.list_id) == records * HASHES_PER_RECORD
    assert deployment.change_seq(deployment.list_id) == records * HASHES_PER_RECORD
