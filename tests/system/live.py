"""A nohaven world on a database of its own, committed (not rolled back), and a real uvicorn
server on loopback in front of it: for tests of the request path under concurrency."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from nohaven import migrate
from nohaven.config import Settings, get_settings
from nohaven.db import session_scope
from nohaven.hashes import service as hashes_service
from nohaven.hashes.schemas import EntryCreate, HashListCreate
from nohaven.kit.clock import utcnow
from nohaven.main import create_app
from nohaven.members.models import MembershipRole
from tests.conftest import postgres_database
from tests.factories import Factory


@dataclass
class World:
    settings: Settings
    owner: dict[str, str]
    partners: list[dict[str, str]]
    voters: list[dict[str, str]]
    chair: dict[str, str]
    body_slug: str
    list_id: str
    entry_ids: list[str]
    pdq_values: list[str]
    token_ids: dict[str, str] = field(default_factory=dict)


def fresh_database(backend: str, directory: Path, purpose: str) -> str:
    if backend == "postgresql":
        return postgres_database(purpose)
    return f"sqlite:///{directory / (purpose + '.db')}"


def build_world(url: str, *, voters: int = 4, partners: int = 4, entries: int = 24) -> World:
    """Committed data: a hash list shared with partner organisations, classified PDQ entries,
    and a body whose voting members can vote on motions; a token per user."""
    settings = get_settings().model_copy(update={"database_url": url})
    migrate.upgrade(url)
    with session_scope(settings) as session:
        f = Factory(session)
        owner_org = f.organisation("Owner " + secrets.token_hex(3), kind="law_enforcement")
        owner = f.user(owner_org, roles=("analyst",))
        partner_users = []
        for n in range(partners):
            org = f.organisation(f"Partner {n} {secrets.token_hex(3)}", kind="law_enforcement")
            partner_users.append(f.user(org, roles=("analyst",)))
        hash_list = hashes_service.create_list(
            session,
            actor=f.actor(owner),
            data=HashListCreate(
                name="Shared " + secrets.token_hex(3),
                tlp="TLP:AMBER",  # type: ignore[arg-type]
                audience_organisation_ids=[u.organisation_id for u in partner_users],
            ),
        )
        pdq_values = [secrets.token_hex(32) for _ in range(entries)]
        entry_ids = []
        for value in pdq_values:
            entry = hashes_service.add_entry(
                session,
                actor=f.actor(owner),
                list_id=hash_list.id,
                data=EntryCreate.model_validate(
                    {
                        "signal_type": "pdq",
                        "value": value,
                        "pdq_quality": 90,
                        "classification_scheme": "uk",
                        "classification": "A",
                    }
                ),
            )
            entry_ids.append(entry.id)
        body = f.body("Load Taskforce " + secrets.token_hex(3))
        chair_org = f.organisation("Chair " + secrets.token_hex(3), kind="government")
        f.seat(body, chair_org, MembershipRole.CHAIR)
        chair = f.user(chair_org, roles=("delegate",))
        voter_users = []
        for n in range(voters):
            org = f.organisation(f"Member {n} {secrets.token_hex(3)}", kind="government")
            f.seat(body, org)
            voter_users.append(f.user(org, roles=("delegate",)))
        scopes = ("read", "write")
        world = World(
            settings=settings,
            owner=f.headers(owner, scopes=scopes),
            partners=[f.headers(u, scopes=scopes) for u in partner_users],
            voters=[f.headers(u, scopes=scopes) for u in voter_users],
            chair=f.headers(chair, scopes=scopes),
            body_slug=body.slug,
            list_id=hash_list.id,
            entry_ids=entry_ids,
            pdq_values=pdq_values,
        )
    return world


def closes_at() -> str:
    return (utcnow() + timedelta(days=2)).isoformat()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    url: str
    app: FastAPI


@contextmanager
def serve(settings: Settings, **config: object) -> Iterator[Served]:
    """uvicorn on a free loopback port, in a thread of this process, until the block ends."""
    port = _free_port()
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config)  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield Served(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        app.state.engine.dispose()
