"""Three real nodes: an alliance list shared with two agencies, copied, matched locally,
kept in step (additions, updates, tombstones), recalled when narrowed, reported back on."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from nohaven.federation.models import Peer, Subscription
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import HashEntry, HashList, MatchFeedback, Sighting, TrustVote
from nohaven.hashes.schemas import HashListUpdate
from nohaven.members.models import Organisation
from tests.federation.conftest import World, _actor, add_image_entries, bulk_list
from tests.federation.nodes import Node
from tests.hashes.images import save_jpeg, textured

pytestmark = pytest.mark.slow


def _live(node: Node, list_id: str) -> dict[str, tuple[str, str, str | None]]:
    with node.session() as session:
        rows = session.execute(
            select(
                HashEntry.id, HashEntry.signal_type, HashEntry.value, HashEntry.classification
            ).where(HashEntry.list_id == list_id, HashEntry.tombstoned_at.is_(None))
        ).all()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _subscription(node: Node, remote_list: str) -> Subscription:
    with node.session() as session:
        sub = session.query(Subscription).filter_by(remote_list_id=remote_list).one()
        session.expunge(sub)
        return sub


def _subscribe(world: World, agency: Node, *extra: str) -> Subscription:
    agency.cli(
        "peers",
        "subscribe",
        "alliance",
        world.shared_list,
        "--as",
        f"analyst@{agency.name}.test",
        *extra,
    )
    return _subscription(agency, world.shared_list)


def _scan_ids(output: str) -> set[str]:
    return {
        m["entry_id"]
        for line in output.splitlines()
        if line.startswith("{")
        for m in json.loads(line)["matches"]
    }


@pytest.fixture(scope="module")
def synced(world: World) -> World:
    """Agency 1 subscribed (sharing its sightings) and synced; agency 2 subscribed too."""
    scan_dir = world.folder / "seized"
    scan_dir.mkdir()
    add_image_entries(world.alliance, world.shared_list, scan_dir, range(1, 9))
    for seed in range(100, 104):  # files that are in no list
        save_jpeg(textured(seed), scan_dir / f"other-{seed}.jpg")
    _subscribe(world, world.agency1, "--share-sightings")
    _subscribe(world, world.agency2)
    world.agency1.cli("peers", "sync")
    world.agency2.cli("peers", "sync")
    return world


def test_a_subscriber_holds_the_owners_live_entries(synced: World) -> None:
    sub = _subscription(synced.agency1, synced.shared_list)
    assert sub.checkpoint > 0
    assert sub.lag == 0
    assert _live(synced.agency1, sub.local_list_id) == _live(synced.alliance, synced.shared_list)
    assert len(_live(synced.agency1, sub.local_list_id)) == 8


def test_copies_belong_to_the_peers_organisation(synced: World) -> None:
    """Every list copied from a peer is owned here by the organisation the peer stands for
    (named when the peering was requested): one owner per peer, not one per list."""
    agency = synced.agency1
    remote = bulk_list(synced.alliance, "Second shared list", 3, [synced.orgs["one"]])
    agency.cli("peers", "subscribe", "alliance", remote, "--as", "analyst@agency1.test")
    with agency.session() as session:
        peer = session.query(Peer).filter(Peer.name == "alliance").one()
        owner = session.get(Organisation, peer.organisation_id)
        assert owner is not None
        assert owner.name == "Alliance"
        copies = (
            session.execute(
                select(HashList.owner_organisation_id)
                .join(Subscription, Subscription.local_list_id == HashList.id)
                .where(Subscription.peer_id == peer.id)
            )
            .scalars()
            .all()
        )
    assert len(copies) >= 2
    assert set(copies) == {owner.id}


def test_a_local_scan_finds_what_the_central_scan_finds_and_asks_upstream_nothing(
    synced: World,
) -> None:
    folder = str(synced.folder / "seized")
    central = synced.alliance.cli(
        "scan",
        folder,
        "--server",
        synced.alliance.url,
        "--token",
        synced.agency1_token,
        "--json",
        "--workers",
        "1",
    )
    before = len(synced.alliance.requests_logged())
    local = synced.agency1.cli(
        "scan", folder, "--as", "analyst@agency1.test", "--json", "--workers", "1"
    )
    assert len(synced.alliance.requests_logged()) == before  # no hash went upstream
    assert _scan_ids(local) == _scan_ids(central)
    assert len(_scan_ids(local)) == 8


def test_changes_and_tombstones_reach_the_subscriber(synced: World) -> None:
    alliance = synced.alliance
    entries = sorted(_live(alliance, synced.shared_list))
    with alliance.session() as session:
        actor = _actor(session, "analyst@alliance.test")
        hashes_service.tombstone_entry(session, actor=actor, entry_id=entries[0], reason="wrong")
    add_image_entries(alliance, synced.shared_list, synced.folder, range(20, 22))
    synced.agency1.cli("peers", "sync")
    sub = _subscription(synced.agency1, synced.shared_list)
    copy = _live(synced.agency1, sub.local_list_id)
    assert copy == _live(alliance, synced.shared_list)
    assert entries[0] not in copy
    assert len(copy) == 9


def test_narrowing_the_distribution_recalls_the_copy(synced: World) -> None:
    alliance = synced.alliance
    with alliance.session() as session:
        actor = _actor(session, "analyst@alliance.test")
        hashes_service.update_list(
            session,
            actor=actor,
            list_id=synced.shared_list,
            data=HashListUpdate(audience_organisation_ids=[synced.orgs["one"]]),
        )
    synced.agency2.cli("peers", "sync")
    sub = _subscription(synced.agency2, synced.shared_list)
    assert sub.status == "recalled"
    assert _live(synced.agency2, sub.local_list_id) == {}
    with synced.agency2.session() as session:
        analyst = _actor(session, "analyst@agency2.test")
        visible = hashes_service.visible_lists(session, actor=analyst)
    assert sub.local_list_id not in {h.id for h in visible}
    # agency 1 is still in the distribution: its copy stays
    synced.agency1.cli("peers", "sync")
    kept = _subscription(synced.agency1, synced.shared_list)
    assert kept.status == "active"
    assert len(_live(synced.agency1, kept.local_list_id)) == 9


def test_sightings_feedback_and_votes_travel_back_to_the_owner(synced: World) -> None:
    agency = synced.agency1
    sub = _subscription(agency, synced.shared_list)
    entry_id = sorted(_live(agency, sub.local_list_id))[0]
    agency.cli(
        "scan", str(synced.folder / "seized"), "--as", "analyst@agency1.test", "--workers", "1"
    )
    from nohaven.hashes import trust
    from nohaven.hashes.schemas import FeedbackCreate, VoteCreate

    with agency.session() as session:
        actor = _actor(session, "analyst@agency1.test")
        trust.give_feedback(
            session,
            actor=actor,
            entry_id=entry_id,
            data=FeedbackCreate(verdict="false_positive", comment="a stock photo"),
        )
        trust.vote(session, actor=actor, entry_id=entry_id, data=VoteCreate(verdict="confirm"))
        local_sightings = session.scalar(
            select(func.count()).select_from(Sighting).where(Sighting.list_id == sub.local_list_id)
        )
    agency.cli("peers", "sync")
    agency.cli("peers", "sync")  # sending again changes nothing at the owner
    with synced.alliance.session() as session:
        org = synced.orgs["one"]
        feedback = session.query(MatchFeedback).filter_by(entry_id=entry_id).one()
        assert (feedback.organisation_id, feedback.verdict) == (org, "false_positive")
        vote = session.query(TrustVote).filter_by(entry_id=entry_id).one()
        assert (vote.organisation_id, vote.verdict) == (org, "confirm")
        remote_sightings = session.scalar(
            select(func.count())
            .select_from(Sighting)
            .where(Sighting.list_id == synced.shared_list, Sighting.actor_label.like("node %"))
        )
    assert local_sightings
    assert remote_sightings == local_sightings


def test_sightings_stay_home_without_the_organisations_consent(synced: World) -> None:
    with synced.alliance.session() as session:
        from_agency2 = session.scalar(
            select(func.count())
            .select_from(Sighting)
            .where(Sighting.organisation_id == synced.orgs["two"])
        )
    assert from_agency2 == 0
