"""TAXII 2.1 against real peers: the OASIS taxii2-client reads nohaven's collections, and
nohaven reads a collection of the OASIS medallion server started here."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import requests
import stix2
from sqlalchemy import select
from taxii2client.v21 import Collection, Server, as_pages

from nohaven.federation.taxii.stix import TLP2_MARKINGS
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import HashEntry
from nohaven.hashes.schemas import HashListCreate
from tests.factories import Factory
from tests.federation.conftest import World, _actor, bulk_list
from tests.federation.nodes import Node, free_port

pytestmark = pytest.mark.slow


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def _token(node: Node, email: str) -> str:
    with node.session() as session:
        from nohaven.members.models import User

        user = session.execute(select(User).where(User.email == email)).scalar_one()
        session.refresh(user, ["organisation"])
        return Factory(session).token(user, scopes=("read",))


def test_taxii2_client_reads_nohavens_collections(world: World) -> None:
    alliance = world.alliance
    list_id = bulk_list(alliance, "TAXII list", 230, [world.orgs["one"]])
    with alliance.session() as session:
        gone = session.execute(
            select(HashEntry.id).where(HashEntry.list_id == list_id).limit(1)
        ).scalar_one()
        hashes_service.tombstone_entry(
            session, actor=_actor(session, "analyst@alliance.test"), entry_id=gone, reason="x"
        )
    server = Server(alliance.url + "/api/v1/taxii2/", auth=Bearer(world.agency1_token))
    (root,) = server.api_roots
    collection = next(c for c in root.collections if c.id == str(uuid.UUID(list_id)))
    assert collection.can_read
    assert collection.title == "TAXII list"
    objects = [
        o for page in as_pages(collection.get_objects, per_request=100) for o in page["objects"]
    ]
    assert len(objects) == 230
    parsed = [stix2.parse(o, allow_custom=True) for o in objects]
    assert {p.type for p in parsed} == {"indicator"}
    assert all(p.object_marking_refs == [TLP2_MARKINGS["TLP:AMBER"]] for p in parsed)
    revoked = [p for p in parsed if p.revoked]
    assert [p.id for p in revoked] == [f"indicator--{uuid.UUID(gone)}"]
    assert all("file:hashes.'SHA-256'" in p.pattern for p in parsed)

    later = datetime.now(UTC)
    time.sleep(0.01)
    with alliance.session() as session:
        actor = _actor(session, "analyst@alliance.test")
        from nohaven.hashes.schemas import EntryCreate

        added = hashes_service.add_entry(
            session,
            actor=actor,
            list_id=list_id,
            data=EntryCreate(signal_type="pdq", value="ab" * 32, pdq_quality=90),
        )
        added_id = added.id
    fresh = collection.get_objects(added_after=later)
    assert [o["id"] for o in fresh["objects"]] == [f"indicator--{uuid.UUID(added_id)}"]
    assert fresh["objects"][0]["pattern"] == f"[file:hashes.'PDQ' = '{'ab' * 32}']"
    manifest = [
        m for page in as_pages(collection.get_manifest, per_request=100) for m in page["objects"]
    ]
    assert len(manifest) == 231
    assert {m["id"] for m in manifest} == {o["id"] for o in objects} | {fresh["objects"][0]["id"]}


def test_a_collection_the_client_may_not_see_is_missing(world: World) -> None:
    with world.alliance.session() as session:
        actor = _actor(session, "analyst@alliance.test")
        hidden = hashes_service.create_list(
            session, actor=actor, data=HashListCreate(name="Not for agency one", tlp="TLP:RED")
        ).id
    server = Server(world.alliance.url + "/api/v1/taxii2/", auth=Bearer(world.agency1_token))
    ids = {c.id for c in server.api_roots[0].collections}
    assert str(uuid.UUID(hidden)) not in ids
    base = world.alliance.url + "/api/v1/taxii2/lists/collections/"
    headers = {"Authorization": f"Bearer {world.agency1_token}"}
    answers = [
        httpx.get(base + c + "/objects/", headers=headers).status_code
        for c in (str(uuid.UUID(hidden)), str(uuid.uuid4()))
    ]
    assert answers == [404, 404]


@pytest.fixture(scope="module")
def medallion(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("medallion")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    collection_id = str(uuid.uuid4())
    data = {
        "/discovery": {
            "title": "A TAXII server elsewhere",
            "default": f"{base}/api1/",
            "api_roots": [f"{base}/api1/"],
        },
        "api1": {
            "information": {
                "title": "Partner feed",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 10_000_000,
            },
            "status": [],
            "collections": [
                {
                    "id": collection_id,
                    "title": "Known hashes",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    (folder / "data.json").write_text(json.dumps(data))
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(folder / "data.json"),
        },
        "users": {"partner": "partner-password"},
        "taxii": {"max_page_size": 100},
    }
    (folder / "config.json").write_text(json.dumps(config))
    log = folder / "medallion.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "medallion.scripts.run",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                str(folder / "config.json"),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if (
                    httpx.get(base + "/taxii2/", auth=("partner", "partner-password")).status_code
                    < 500
                ):
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield f"{base}/api1/collections/{collection_id}/", str(log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _indicator(name: str, value: str, **extra: object) -> stix2.v21.Indicator:
    return stix2.v21.Indicator(
        pattern=f"[file:hashes.'{name}' = '{value}']", pattern_type="stix", **extra
    )


def test_nohaven_reads_a_medallion_collection_into_a_list(
    world: World, medallion: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _log = medallion
    partner = Collection(url, user="partner", password="partner-password")
    sha = _indicator("SHA-256", "cd" * 32)
    md5 = _indicator("MD5", "ef" * 16)
    pdq = _indicator("PDQ", "12" * 32)
    other = stix2.v21.Indicator(pattern="[url:value = 'http://example.org/']", pattern_type="stix")
    malware = stix2.v21.Malware(name="not a hash", is_family=False)
    partner.add_objects(
        json.dumps(
            {"objects": [json.loads(o.serialize()) for o in (sha, md5, pdq, other, malware)]}
        )
    )

    agency = world.agency1
    with agency.session() as session:
        actor = _actor(session, "analyst@agency1.test")
        list_id = hashes_service.create_list(
            session, actor=actor, data=HashListCreate(name="From the partner", tlp="TLP:AMBER")
        ).id
    monkeypatch.setenv("PARTNER_PASSWORD", "partner-password")
    agency.cli(
        "taxii",
        "add-source",
        list_id,
        url,
        "--as",
        "analyst@agency1.test",
        "--user",
        "partner",
        "--password-env",
        "PARTNER_PASSWORD",
    )
    agency.cli("taxii", "pull")

    def live() -> set[tuple[str, str]]:
        with agency.session() as session:
            rows = session.execute(
                select(HashEntry.signal_type, HashEntry.value).where(
                    HashEntry.list_id == list_id, HashEntry.tombstoned_at.is_(None)
                )
            ).all()
        return {(r[0], r[1]) for r in rows}

    assert live() == {("sha256", "cd" * 32), ("md5", "ef" * 16), ("pdq", "12" * 32)}
    time.sleep(0.01)
    partner.add_objects(
        json.dumps({"objects": [json.loads(sha.new_version(revoked=True).serialize())]})
    )
    output = agency.cli("taxii", "pull")
    assert "0 added, 1 tombstoned" in output
    assert live() == {("md5", "ef" * 16), ("pdq", "12" * 32)}
    assert "0 added, 0 tombstoned" in agency.cli("taxii", "pull")  # nothing new: nothing changes
