"""Federation sync: a fresh subscriber copies a large list from its owner over loopback, then
catches up with a burst of changes; against the raw read of the same change feed, in the same
run.

    python bench/federation.py --pg postgresql://postgres@127.0.0.1:5432/test
    python bench/federation.py --pg … --entries 100000 --changes 5000

The owner is a real `nohaven serve` process on PostgreSQL (database ``<name>_bench_fed_owner``);
the subscriber syncs in this process (``nohaven.federation.sync.sync_all``, what `nohaven peers
sync` runs) into ``<name>_bench_fed_sub``: every page signed, verified, applied with its
checkpoint in one transaction. The anchor: the same signed feed pages fetched, verified and
parsed in the same run, written nowhere (what a sync would take if applying cost nothing).
Targets (issue 16): the full sync under 60 s for 1,000,000 entries, the incremental one under
2 s for 10,000 changes. Prints one JSON line with the load average before and after.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from nohaven import migrate
from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.config import FederationSettings, Settings
from nohaven.db import create_db_engine, make_sessionmaker
from nohaven.federation import identity, service, subscriptions, sync
from nohaven.federation import repository as fed_repo
from nohaven.federation.client import PeerClient
from nohaven.federation.models import Peer
from nohaven.federation.schemas import PeerRequestCreate, SubscriptionCreate
from nohaven.hashes import repository as hashes_repo
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import HashEntry
from nohaven.hashes.schemas import HashListCreate
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Organisation, User

BATCH = 50_000
PAGE_SIZE = FederationSettings().page_size  # what `nohaven peers sync` asks for
KEYS = {
    "secret_key": base64.b64encode(secrets.token_bytes(32)).decode(),
    "data_key": base64.b64encode(secrets.token_bytes(32)).decode(),
}


def maker_for(url: str) -> sessionmaker[Session]:
    """Sessions on ``url`` with this run's data keys (the owner's server has the same)."""
    settings = Settings(database_url=url, **KEYS)  # type: ignore[arg-type]
    return make_sessionmaker(create_db_engine(url), keyring=data_keyring(settings))


def fresh_database(pg_url: str, suffix: str) -> str:
    base = make_url(pg_url).set(drivername="postgresql+psycopg")
    name = f"{base.database or 'test'}_bench_fed_{suffix}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    return url


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def transaction(maker: object) -> Iterator[Session]:
    with maker() as session:  # type: ignore[operator]
        yield session
        session.commit()


def user(session: Session, org: Organisation, email: str, roles: list[str]) -> User:
    found = User(organisation_id=org.id, email=email, display_name=email, roles=roles)
    session.add(found)
    session.flush()
    session.refresh(found, ["organisation"])
    return found


def seed_owner(url: str, entries: int) -> tuple[str, str]:
    """The alliance's list of ``entries`` SHA-256 hashes shared with the agency; returns the
    list id and the agency's organisation id there."""
    maker = maker_for(url)
    with transaction(maker) as session:
        alliance = Organisation(name="Alliance", kind="intergovernmental")
        agency = Organisation(name="Agency", kind="law_enforcement", country="NL")
        session.add_all([alliance, agency])
        session.flush()
        owner = auth_service.actor_for(session, user(session, alliance, "o@a.test", ["analyst"]))
        hash_list = hashes_service.create_list(
            session,
            actor=owner,
            data=HashListCreate(
                name="Large list", tlp="TLP:AMBER", audience_organisation_ids=[agency.id]
            ),
        )
        list_id, agency_id = hash_list.id, agency.id
    now = utcnow()
    for start in range(0, entries, BATCH):
        with transaction(maker) as session:
            first = hashes_repo.take_seqs(session, list_id, min(BATCH, entries - start))
            session.execute(
                insert(HashEntry),
                [
                    {
                        "id": new_id(),
                        "list_id": list_id,
                        "signal_type": "sha256",
                        "value": hashlib.sha256(str(n).encode()).hexdigest(),
                        "classification_scheme": "interpol",
                        "classification": "baseline",
                        "created_seq": first + n - start,
                        "seq": first + n - start,
                        "created_at": now,
                        "updated_at": now,
                        "classified_at": now,
                        "comment": "",
                        "trusted": False,
                        "victim_identified": False,
                        "offender_identified": False,
                    }
                    for n in range(start, min(start + BATCH, entries))
                ],
            )
    return list_id, agency_id


def change_entries(url: str, list_id: str, count: int) -> None:
    """``count`` entries changed at the owner (the victim now identified; their category stays
    one the agency's country may receive): each takes a new change number."""
    maker = maker_for(url)
    with transaction(maker) as session:
        ids = (
            session.execute(select(HashEntry.id).where(HashEntry.list_id == list_id).limit(count))
            .scalars()
            .all()
        )
        first = hashes_repo.take_seqs(session, list_id, len(ids))
        now = utcnow()
        session.execute(
            update(HashEntry),
            [
                {"id": i, "victim_identified": True, "seq": first + n, "updated_at": now}
                for n, i in enumerate(ids)
            ],
        )


def read_feed(client: PeerClient, list_id: str) -> tuple[float, int]:
    """The anchor: the same signed feed pages the sync asks for, each verified and parsed,
    then dropped: what a sync would cost if applying a page cost nothing."""
    started = time.perf_counter()
    since, count = 0, 0
    while True:
        answer = client.get(
            f"/api/v1/federation/lists/{list_id}/changes", {"since": since, "limit": PAGE_SIZE}
        )
        page = json.loads(answer.raw)
        count += len(page["rows"])
        since = page["checkpoint"]
        if not page["more"]:
            break
    return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default=os.environ.get("NOHAVEN_TEST_DATABASE_URL"))
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=10_000)
    args = parser.parse_args()
    if not args.pg:
        sys.exit("PostgreSQL is needed: --pg URL or NOHAVEN_TEST_DATABASE_URL")
    folder = Path(tempfile.mkdtemp(prefix="nohaven-bench-fed-"))
    keys = KEYS
    owner_url, sub_url = fresh_database(args.pg, "owner"), fresh_database(args.pg, "sub")
    load_before = os.getloadavg()[0]
    setup_started = time.perf_counter()
    list_id, agency_id = seed_owner(owner_url, args.entries)
    seeding_s = time.perf_counter() - setup_started

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    owner_key, sub_key = folder / "owner.key", folder / "sub.key"
    identity.generate_key_file(owner_key)
    identity.generate_key_file(sub_key)
    env = {
        **os.environ,
        "NOHAVEN_DATABASE_URL": owner_url,
        "NOHAVEN_SECRET_KEY": keys["secret_key"],
        "NOHAVEN_DATA_KEY": keys["data_key"],
        "NOHAVEN_FEDERATION_NODE_KEY_FILE": str(owner_key),
        "NOHAVEN_FEDERATION_NODE_NAME": "alliance",
        "NOHAVEN_FEDERATION_PUBLIC_URL": base,
        "NOHAVEN_PLAIN_HTTP_ON_LOOPBACK": "true",
        "NOHAVEN_JOB_WORKER": "false",
    }
    log = (folder / "owner.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "nohaven", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit("the owner's server did not start: see " + str(folder / "owner.log"))
            time.sleep(0.2)

        settings = Settings(
            database_url=sub_url,
            **keys,  # type: ignore[arg-type]
            federation=FederationSettings(
                node_key_file=sub_key, node_name="agency", public_url="http://127.0.0.1:1"
            ),
        )
        me = service.node_identity(settings)
        sub_maker = maker_for(sub_url)
        owner_maker = maker_for(owner_url)
        operator = Actor.system("bench")
        with httpx.Client(timeout=120) as http:
            with transaction(sub_maker) as session:
                alliance = Organisation(name="Alliance", kind="intergovernmental")
                agency = Organisation(name="Agency", kind="law_enforcement", country="NL")
                session.add_all([alliance, agency])
                session.flush()
                analyst = auth_service.actor_for(
                    session, user(session, agency, "a@agency.test", ["analyst"])
                )
                peer = service.request_peering(
                    session,
                    actor=operator,
                    me=me,
                    http=http,
                    data=PeerRequestCreate(url=base, organisation_id=alliance.id),
                )
                peer_id = peer.id
            with transaction(owner_maker) as session:
                found = fed_repo.peer_by_node(session, me.node_id)
                assert found is not None
                service.approve_peer(
                    session, actor=operator, peer_id=found.id, organisation_id=agency_id
                )
            with transaction(sub_maker) as session:
                sub = subscriptions.subscribe(
                    session,
                    actor=analyst,
                    me=me,
                    http=http,
                    data=SubscriptionCreate(peer_id=peer_id, remote_list_id=list_id),
                )
                copy_id = sub.local_list_id

            with transaction(sub_maker) as session:
                peer_row = session.get(Peer, peer_id)
                assert peer_row is not None
                client = service.client_for(http, me, peer_row)
            feed_s, feed_count = read_feed(client, list_id)

            cpu_used: list[float] = []

            def run_sync() -> tuple[float, sync.SyncSummary]:
                started, cpu = time.perf_counter(), time.process_time()
                summary = sync.sync_all(
                    lambda: transaction(sub_maker), me=me, http=http, page_size=PAGE_SIZE
                )
                cpu_used.append(time.process_time() - cpu)
                return time.perf_counter() - started, summary

            full_s, full = run_sync()
            change_entries(owner_url, list_id, args.changes)
            incremental_s, incremental = run_sync()
        with sub_maker() as session:
            copied = session.scalar(
                select(func.count())
                .select_from(HashEntry)
                .where(HashEntry.list_id == copy_id, HashEntry.tombstoned_at.is_(None))
            )
            reclassified = session.scalar(
                select(func.count())
                .select_from(HashEntry)
                .where(HashEntry.list_id == copy_id, HashEntry.victim_identified.is_(True))
            )
        assert not full.errors, full.errors
        assert not incremental.errors, incremental.errors
        assert copied == args.entries, copied
        assert reclassified == args.changes, reclassified
        assert feed_count == args.entries
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    print(
        json.dumps(
            {
                "bench": "federation",
                "database": "postgresql",
                "entries": args.entries,
                "changes": args.changes,
                "full_sync_s": round(full_s, 2),
                "full_sync_entries_per_s": round(args.entries / full_s),
                "incremental_sync_s": round(incremental_s, 3),
                "incremental_changes_per_s": round(args.changes / incremental_s),
                "anchor_feed_read_s": round(feed_s, 2),
                "anchor_feed_entries_per_s": round(feed_count / feed_s),
                "sync_vs_feed_read": round(full_s / feed_s, 2),
                "pages": full.pages,
                "targets": {"full_sync_s": 60, "incremental_sync_s": 2},
                "subscriber_cpu_s": {
                    "full": round(cpu_used[0], 2),
                    "incremental": round(cpu_used[1], 3),
                },
                "seeding_s": round(seeding_s, 1),
                "loadavg_before": round(load_before, 2),
                "loadavg_after": round(os.getloadavg()[0], 2),
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
