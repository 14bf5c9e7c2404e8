"""Three real nodes on loopback, shared by the federation tests of one backend: an alliance
node and two agency nodes, each with a database of its own (three SQLite files, or three
PostgreSQL databases), each agency peered with the alliance, the alliance holding a list
shared with both agencies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nohaven.auth.actor import Actor
from nohaven.federation.models import Peer
from nohaven.hashes import service as hashes_service
from nohaven.hashes.schemas import EntryCreate, HashListCreate
from nohaven.members.models import OrganisationKind
from tests.conftest import postgres_database
from tests.factories import Factory
from tests.federation.nodes import Node
from tests.hashes.images import save_jpeg, textured

pytestmark = pytest.mark.slow


@dataclass
class World:
    alliance: Node
    agency1: Node
    agency2: Node
    folder: Path
    # ids on the alliance node
    orgs: dict[str, str] = field(default_factory=dict)
    shared_list: str = ""
    agency1_token: str = ""


def _seed_alliance(node: Node, world: World) -> None:
    with node.session() as session:
        f = Factory(session)
        sec = f.organisation(
            "Alliance Secretariat", kind=OrganisationKind.INTERGOVERNMENTAL, country=None
        )
        one = f.organisation("Agency One", kind=OrganisationKind.LAW_ENFORCEMENT, country="NL")
        two = f.organisation("Agency Two", kind=OrganisationKind.LAW_ENFORCEMENT, country="BE")
        owner = f.user(sec, roles=("analyst",), email="analyst@alliance.test")
        central = f.user(one, roles=("analyst",), email="analyst1@alliance.test")
        world.agency1_token = f.token(central, scopes=("read",))
        world.orgs = {"sec": sec.id, "one": one.id, "two": two.id}
        actor = f.actor(owner)
        shared = hashes_service.create_list(
            session,
            actor=actor,
            data=HashListCreate(
                name="Known material",
                tlp="TLP:AMBER",
                audience_organisation_ids=[one.id, two.id],
            ),
        )
        world.shared_list = shared.id


def _seed_agency(node: Node, own: str) -> None:
    with node.session() as session:
        f = Factory(session)
        org = f.organisation(own, kind=OrganisationKind.LAW_ENFORCEMENT, country="NL")
        f.organisation("Alliance", kind=OrganisationKind.INTERGOVERNMENTAL, country=None)
        f.user(org, roles=("analyst", "org_admin"), email=f"analyst@{node.name}.test")


def add_image_entries(node: Node, list_id: str, folder: Path, seeds: range) -> list[Path]:
    """Images made here, their hashes added to the alliance's list; the files are kept for
    scanning."""
    from nohaven.hashes.hashing import hash_file

    paths = []
    with node.session() as session:
        actor = _actor(session, "analyst@alliance.test")
        for seed in seeds:
            path = save_jpeg(textured(seed), folder / f"listed-{seed}.jpg")
            paths.append(path)
            hashed = hash_file(path)
            kind, value = ("sha256", hashed.sha256) if seed % 2 else ("pdq", hashed.pdq)
            hashes_service.add_entry(
                session,
                actor=actor,
                list_id=list_id,
                data=EntryCreate(
                    signal_type=kind,
                    value=str(value),
                    pdq_quality=hashed.pdq_quality if kind == "pdq" else None,
                    classification_scheme="interpol",
                    classification="baseline",
                ),
            )
    return paths


def _actor(session, email: str) -> Actor:  # type: ignore[no-untyped-def]
    from nohaven.auth import users

    found = users.actor_for_email(session, email=email)
    assert found is not None
    return found


def peer_id(node: Node, name: str) -> str:
    with node.session() as session:
        return session.query(Peer).filter(Peer.name == name).one().id


def _database(backend: str, folder: Path, name: str) -> str:
    if backend == "postgresql":
        return postgres_database(f"federation_{name}")
    return f"sqlite:///{folder / f'{name}.db'}"


@pytest.fixture(scope="package")
def world(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp(f"federation-{backend}")
    alliance, agency1, agency2 = (
        Node(name, _database(backend, folder, name), folder)
        for name in ("alliance", "agency1", "agency2")
    )
    nodes = [alliance, agency1, agency2]
    world = World(alliance, agency1, agency2, folder=folder)
    try:
        for node in nodes:
            node.launch()  # the three start side by side
        for node in nodes:
            node.wait()
        _seed_alliance(world.alliance, world)
        _seed_agency(world.agency1, "Agency One")
        _seed_agency(world.agency2, "Agency Two")
        for agency, org in ((world.agency1, "one"), (world.agency2, "two")):
            agency.cli("peers", "request", world.alliance.url, "--organisation", "Alliance")
            world.alliance.cli("peers", "approve", agency.name, "--organisation", world.orgs[org])
        yield world
    finally:
        for node in nodes:
            node.stop()


def bulk_list(node: Node, name: str, count: int, audience: list[str]) -> str:
    """A list of ``count`` SHA-256 entries, written in one go (set-up, not what is tested)."""
    import hashlib

    from nohaven.hashes import repository as hashes_repo
    from nohaven.hashes.models import HashEntry

    with node.session() as session:
        actor = _actor(session, "analyst@alliance.test")
        hash_list = hashes_service.create_list(
            session,
            actor=actor,
            data=HashListCreate(name=name, tlp="TLP:AMBER", audience_organisation_ids=audience),
        )
        first = hashes_repo.take_seqs(session, hash_list.id, count)
        session.add_all(
            HashEntry(
                list_id=hash_list.id,
                signal_type="sha256",
                value=hashlib.sha256(f"{name}-{n}".encode()).hexdigest(),
                # the category every country may receive (see test_jurisdiction)
                classification_scheme="interpol",
                classification="baseline",
                created_seq=first + n,
                seq=first + n,
            )
            for n in range(count)
        )
        return hash_list.id
