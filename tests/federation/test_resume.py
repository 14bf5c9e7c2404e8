"""A sync killed with SIGKILL mid-way leaves the copy at a checkpoint and the next run
finishes it; a peer that is down is reported and caught up with once it is back; the job
runner syncs the same way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from nohaven.config import get_settings
from nohaven.db import engine_for, make_sessionmaker
from nohaven.federation.jobs import scheduled
from nohaven.federation.models import Peer, Subscription
from nohaven.hashes.models import HashEntry
from nohaven.jobs.runner import run_job
from nohaven.keys.ring import data_keyring
from tests.federation.conftest import World, bulk_list
from tests.federation.nodes import Node

pytestmark = pytest.mark.slow


def _ids(node: Node, list_id: str, *, through: int | None = None) -> set[str]:
    query = select(HashEntry.id).where(
        HashEntry.list_id == list_id, HashEntry.tombstoned_at.is_(None)
    )
    if through is not None:
        query = query.where(HashEntry.seq <= through)
    with node.session() as session:
        return set(session.execute(query).scalars())


def _sub(node: Node, remote: str) -> Subscription:
    with node.session() as session:
        sub = session.query(Subscription).filter_by(remote_list_id=remote).one()
        session.expunge(sub)
        return sub


def _subscribe(world: World, agency: Node, remote: str) -> Subscription:
    agency.cli("peers", "subscribe", "alliance", remote, "--as", f"analyst@{agency.name}.test")
    return _sub(agency, remote)


def test_a_sync_killed_mid_way_resumes_from_its_checkpoint(world: World) -> None:
    remote = bulk_list(world.alliance, "Large list", 3000, [world.orgs["one"]])
    agency = world.agency1
    _subscribe(world, agency, remote)
    checkpoint = select(Subscription.checkpoint).where(Subscription.remote_list_id == remote)
    process = subprocess.Popen(
        [sys.executable, "-m", "nohaven", "peers", "sync", "--quiet"],
        env=agency.env(NOHAVEN_FEDERATION_PAGE_SIZE="5"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300  # a busy machine starts a process slowly
    engine = engine_for(agency.settings)
    try:
        with engine.connect() as conn:
            while (conn.scalar(checkpoint) or 0) < 100:
                conn.rollback()
                assert process.poll() is None, "the sync finished before it could be killed"
                assert time.monotonic() < deadline
                time.sleep(0.005)
    finally:
        engine.dispose()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed = _sub(agency, remote)
    assert 100 <= killed.checkpoint < 3000
    # the copy is exactly the owner's entries up to the checkpoint: no half page
    assert _ids(agency, killed.local_list_id) == _ids(
        world.alliance, remote, through=killed.checkpoint
    )
    agency.cli("peers", "sync")
    done = _sub(agency, remote)
    assert done.checkpoint == 3000
    assert done.lag == 0
    assert _ids(agency, done.local_list_id) == _ids(world.alliance, remote)


def test_a_peer_that_is_down_is_reported_and_caught_up_with(world: World) -> None:
    remote = bulk_list(world.alliance, "Down and back", 30, [world.orgs["one"]])
    agency = world.agency1
    sub = _subscribe(world, agency, remote)
    world.alliance.stop()
    try:
        code, output = agency.cli_result("peers", "sync")
        assert code == 1
        assert "Cannot reach the peer" in output
        with agency.session() as session:
            peer = session.get(Peer, sub.peer_id)
            assert peer is not None
            assert peer.last_error is not None
        assert _ids(agency, sub.local_list_id) == set()
    finally:
        world.alliance.start()
    agency.cli("peers", "sync")
    assert _ids(agency, sub.local_list_id) == _ids(world.alliance, remote)
    with agency.session() as session:
        peer = session.get(Peer, sub.peer_id)
        assert peer is not None
        assert peer.last_error is None


def test_the_job_runner_syncs_subscriptions(world: World) -> None:
    remote = bulk_list(world.alliance, "Synced by the job", 25, [world.orgs["two"]])
    agency = world.agency2
    sub = _subscribe(world, agency, remote)
    settings = agency.settings
    job = next(j for j in scheduled(settings) if j.name == "federation.sync")
    engine = engine_for(settings)
    try:
        report = run_job(
            make_sessionmaker(engine, keyring=data_keyring(get_settings())),
            job,
            settings=settings,
            force=True,
        )
    finally:
        engine.dispose()
    assert report.outcome == "done"
    assert report.counts["applied"] == 25
    assert _ids(agency, sub.local_list_id) == _ids(world.alliance, remote)
