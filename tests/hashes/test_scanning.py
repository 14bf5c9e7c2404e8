"""`nohaven scan` logic: queries per file, remote and local matching, one line per entry."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.errors import InvalidInput, NotAuthenticated
from nohaven.hashes import matching, scanning, service
from tests.factories import Factory
from tests.hashes.conftest import World, api_headers, md5_entry, pdq_entry, shared_list


@dataclass
class Hashed:
    path: str
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    error: str | None = None


def _flip(value: str, bits: int) -> str:
    number = int(value, 16)
    for b in range(bits):
        number ^= 1 << (b * 7)
    return f"{number:064x}"


def test_queries_leave_out_low_quality_pdq() -> None:
    hashed = Hashed("a", md5="0" * 32, sha1="1" * 40, pdq="2" * 64, pdq_quality=49)
    assert [k for k, _ in scanning.queries_of(hashed)] == ["md5", "sha1"]
    hashed.pdq_quality = 50
    assert [k for k, _ in scanning.queries_of(hashed)] == ["md5", "sha1", "pdq"]


def _files(world_pdq: str, world_md5: str) -> list[Hashed]:
    return [
        Hashed("same.jpg", md5=world_md5, pdq=world_pdq, pdq_quality=90),
        Hashed("near.jpg", md5=secrets.token_hex(16), pdq=_flip(world_pdq, 20), pdq_quality=90),
        Hashed("far.jpg", md5=secrets.token_hex(16), pdq=_flip(world_pdq, 36), pdq_quality=90),
        Hashed("broken.jpg", error="cannot decode image"),
    ]


def test_local_scan_matches_as_the_user(db: Session, world: World, settings: Settings) -> None:
    hash_list = shared_list(db, world)
    pdq = pdq_entry(series="Series S")
    md5 = md5_entry()
    service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=pdq)
    entry = service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=md5)
    index = matching.HashIndex()
    seen: list[str] = []
    results = scanning.scan(
        _files(pdq.value, entry.value),
        scanning.local_matcher(db, world.partner.actor, index, settings=settings),
        on_file=lambda f: seen.append(f.path),
        batch=3,
    )
    assert seen == ["same.jpg", "near.jpg", "far.jpg", "broken.jpg"]
    by_path = {r.path: r for r in results}
    # the exact file matches two entries (its PDQ and its MD5), one line each
    assert sorted(m.signal_type for m in by_path["same.jpg"].matches) == ["md5", "pdq"]
    assert [m.distance for m in by_path["near.jpg"].matches] == [20]
    assert by_path["near.jpg"].matches[0].series == "Series S"
    assert by_path["far.jpg"].matches == []
    assert by_path["broken.jpg"].error == "cannot decode image"
    third = scanning.scan(
        _files(pdq.value, entry.value),
        scanning.local_matcher(db, world.third.actor, index, settings=settings),
    )
    assert all(r.matches == [] for r in third)


def test_remote_scan_over_the_api(
    client: TestClient, db: Session, factory: Factory, world: World
) -> None:
    hash_list = shared_list(db, world)
    pdq = pdq_entry(classification_scheme="uk", classification="B")
    service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=pdq)
    token = api_headers(factory, world.partner.user, scopes=("read",))["Authorization"][7:]
    results = scanning.scan(
        _files(pdq.value, secrets.token_hex(16)), scanning.remote_matcher(client, token)
    )
    near = next(r for r in results if r.path == "near.jpg")
    assert [(m.list_name, m.distance, m.classification) for m in near.matches] == [
        (hash_list.name, 20, "UK (CAID) Category B")
    ]
    assert near.matches[0].owner == world.owner.org.name
    with pytest.raises(NotAuthenticated):
        scanning.scan(_files(pdq.value, "0" * 32), scanning.remote_matcher(client, "nh_x_y"))
    with pytest.raises(InvalidInput):
        scanning.scan(
            _files(pdq.value, "0" * 32), scanning.remote_matcher(client, token, pdq_threshold=99)
        )


def test_expand_walks_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.jpg").write_bytes(b"x")
    (tmp_path / "y.png").write_bytes(b"y")
    assert [p.name for p in scanning.expand([tmp_path])] == ["x.jpg", "y.png"]
    with pytest.raises(InvalidInput):
        scanning.expand([tmp_path / "missing"])
