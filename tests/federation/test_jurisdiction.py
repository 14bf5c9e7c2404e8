"""Sharing a list with a peer follows the export rules of the peer's country, as exporting a
file for that country does: what may not go is withheld (its hash never sent), an entry that
stops being allowed leaves the subscriber's copy, and both sides are told what was left out
and why."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.hashes import jurisdiction
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import HashEntry
from nohaven.hashes.schemas import EntryCreate, EntryUpdate, HashListCreate
from nohaven.members.models import Organisation
from tests.factories import Factory
from tests.federation.conftest import World, _actor
from tests.federation.nodes import Node

pytestmark = pytest.mark.slow

CATEGORIES = [
    ("interpol", "baseline"),
    ("interpol", "baseline"),
    ("interpol", "national"),
    ("uk", "B"),
    (None, None),
]


def _value(n: int) -> str:
    return hashlib.sha256(f"jurisdiction-{n}".encode()).hexdigest()


def _entries(node: Node, list_id: str) -> dict[str, tuple[str, str | None, str | None]]:
    """id -> (value, tombstone reason or None if live, classification)"""
    with node.session() as session:
        rows = session.execute(
            select(
                HashEntry.id, HashEntry.value, HashEntry.tombstone_reason, HashEntry.classification
            ).where(HashEntry.list_id == list_id)
        ).all()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_a_peer_receives_only_what_its_country_allows(world: World) -> None:
    alliance, agency = world.alliance, world.agency1  # Agency One is in NL on the alliance node
    with alliance.session() as session:
        actor = _actor(session, "analyst@alliance.test")
        shared = hashes_service.create_list(
            session,
            actor=actor,
            data=HashListCreate(
                name="Mixed categories",
                tlp="TLP:AMBER",
                audience_organisation_ids=[world.orgs["one"]],
            ),
        )
        ids = [
            hashes_service.add_entry(
                session,
                actor=actor,
                list_id=shared.id,
                data=EntryCreate(
                    signal_type="sha256",
                    value=_value(n),
                    classification_scheme=scheme,
                    classification=code,
                ),
            ).id
            for n, (scheme, code) in enumerate(CATEGORIES)
        ]
        list_id = shared.id
    # NL has no rules here: the INTERPOL baseline only
    agency.cli("peers", "subscribe", "alliance", list_id, "--as", "analyst@agency1.test")
    output = agency.cli("peers", "sync", "--subscription", _sub_id(agency, list_id))
    assert "3 withheld" in output
    copy_id = _copy(agency, list_id)
    copy = _entries(agency, copy_id)
    assert {i for i, (_, gone, _) in copy.items() if gone is None} == set(ids[:2])
    held_back = {_value(n) for n in range(2, 5)}
    assert not held_back & {value for value, _, _ in copy.values()}  # the hashes never came
    with alliance.session() as session:
        audited = session.execute(
            select(AuditEntry.summary).where(
                AuditEntry.action == "hashes.federation_withheld",
                AuditEntry.resource_id == list_id,
            )
        ).scalar_one()
    assert json.loads(audited)["country"] == "NL"
    assert json.loads(audited)["left_out"] == {
        "interpol:national is not allowed there": 1,
        "uk:B is not allowed there": 1,
        "unclassified": 1,
    }

    # an entry reclassified out of what NL may receive leaves the copy, its hash with it
    with alliance.session() as session:
        hashes_service.update_entry(
            session,
            actor=_actor(session, "analyst@alliance.test"),
            entry_id=ids[1],
            data=EntryUpdate(classification_scheme="interpol", classification="national"),
        )
    agency.cli("peers", "sync", "--subscription", _sub_id(agency, list_id))
    value, reason, _ = _entries(agency, copy_id)[ids[1]]
    assert reason == "withheld for NL: interpol:national is not allowed there"
    assert value != _value(1)

    # once the secretariat lets NL receive the national category, the entry's next change
    # brings it back, hash and all
    with alliance.session() as session:
        f = Factory(session)
        admin = f.actor(
            f.user(
                session.get(Organisation, world.orgs["sec"]),
                roles=("secretariat_admin",),
                email="secretariat@alliance.test",
            )
        )
        jurisdiction.set_rules(
            session, actor=admin, country="NL", codes=["interpol:baseline", "interpol:national"]
        )
    try:
        with alliance.session() as session:
            hashes_service.update_entry(
                session,
                actor=_actor(session, "analyst@alliance.test"),
                entry_id=ids[1],
                data=EntryUpdate(series="back again"),
            )
        agency.cli("peers", "sync", "--subscription", _sub_id(agency, list_id))
        assert _entries(agency, copy_id)[ids[1]] == (_value(1), None, "national")
    finally:
        with alliance.session() as session:
            jurisdiction.set_rules(session, actor=Actor.system(), country="NL", codes=[])
    assert json.loads(audited)["allowed"] == ["interpol:baseline"]


def _sub_id(node: Node, remote: str) -> str:
    from nohaven.federation.models import Subscription

    with node.session() as session:
        return session.execute(
            select(Subscription.id).where(Subscription.remote_list_id == remote)
        ).scalar_one()


def _copy(node: Node, remote: str) -> str:
    from nohaven.federation.models import Subscription

    with node.session() as session:
        return session.execute(
            select(Subscription.local_list_id).where(Subscription.remote_list_id == remote)
        ).scalar_one()
