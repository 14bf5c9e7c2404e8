"""VICS and ThreatExchange/HMA files in and out of lists, over the API: tolerant reading,
all-or-nothing imports with reasons, exports that round-trip."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.hashes import exchange, service
from tests.factories import Factory
from tests.hashes.conftest import World, api_headers, md5_entry, pdq_entry, shared_list

V2 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"
V1 = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases"


def _vics2(media: list[dict[str, Any]]) -> bytes:
    return ("\ufeff" + json.dumps({"@odata.context": V2, "value": media})).encode()


def _vics1_case(media: list[dict[str, Any]]) -> bytes:
    case = {"CaseID": "c-1", "CaseNumber": "2026/1", "Media": media, "TotalMediaFiles": 2}
    return json.dumps({"odata.metadata": V1, "value": [case]}).encode()


def _import(
    client: TestClient, headers: dict[str, str], list_id: str, data: bytes, fmt: str = "vics"
) -> Any:
    return client.post(
        f"/api/v1/lists/{list_id}/import?format={fmt}",
        files={"file": ("set.json", data, "application/octet-stream")},
        headers=headers,
    )


def test_vics2_hash_set_with_bom_string_booleans_and_upper_case(
    client: TestClient, db: Session, factory: Factory, world: World
) -> None:
    hash_list = shared_list(db, world)
    headers = api_headers(factory, world.owner.user)
    md5, sha1 = secrets.token_hex(16), secrets.token_hex(20)
    pdq = secrets.token_hex(32)
    data = _vics2(
        [
            {
                "MediaID": 1,
                "MD5": md5.upper(),
                "SHA1": sha1.upper(),
                "Category": 1,
                "VictimIdentified": "true",
                "OffenderIdentified": "false",
                "Series": "Series V",
                "AlternativeHashes": [{"HashName": "PDQ", "HashValue": pdq}],
            },
            {"MediaID": 2, "MD5": secrets.token_hex(16), "Category": None},
        ]
    )
    response = _import(client, headers, hash_list.id, data)
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 4
    entries = client.get(f"/api/v1/lists/{hash_list.id}/entries", headers=headers).json()
    by_value = {e["value"]: e for e in entries}
    assert by_value[md5]["classification"] == "1"
    assert by_value[md5]["victim_identified"] is True
    assert by_value[md5]["offender_identified"] is False
    assert by_value[pdq]["signal_type"] == "pdq"
    assert by_value[sha1]["series"] == "Series V"


def test_rejects_are_reported_and_nothing_is_imported(
    client: TestClient, db: Session, factory: Factory, world: World
) -> None:
    hash_list = shared_list(db, world)
    headers = api_headers(factory, world.owner.user)
    data = _vics2(
        [
            {"MediaID": 1, "MD5": secrets.token_hex(16), "Category": 1},
            {"MediaID": 2, "MD5": "not-an-md5"},
            {"MediaID": 3, "Series": "no hash at all"},
            {"MediaID": 4, "MD5": secrets.token_hex(16), "Category": 7},
        ]
    )
    response = _import(client, headers, hash_list.id, data)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["committed"] is False
    assert [r["record"] for r in body["rejected"]] == [2, 3, 4]
    assert "Category 7" in body["rejected"][2]["reason"]
    assert client.get(f"/api/v1/lists/{hash_list.id}/entries", headers=headers).json() == []
    garbage = _import(client, headers, hash_list.id, b"<xml/>")
    assert garbage.status_code == 422
    partner = api_headers(factory, world.partner.user)
    assert _import(client, partner, hash_list.id, data).status_code == 403


def test_vics1_case_export_imports(
    client: TestClient, db: Session, factory: Factory, world: World
) -> None:
    hash_list = shared_list(db, world)
    headers = api_headers(factory, world.owner.user)
    media = [
        {"MediaID": 1, "MD5": secrets.token_hex(16), "Category": 2},
        {"MediaID": 2, "MD5": secrets.token_hex(16), "Category": "3"},
    ]
    response = _import(client, headers, hash_list.id, _vics1_case(media))
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 2


def _entries(db: Session, world: World, list_id: str) -> None:
    owner = world.owner.actor
    for data in (
        md5_entry(classification_scheme="uk", classification="A", series="S1"),
        md5_entry(classification_scheme="vics_us", classification="1", victim_identified=True),
        pdq_entry(classification_scheme="ncmec", classification="B2"),
        md5_entry(),
    ):
        service.add_entry(db, actor=owner, list_id=list_id, data=data)
    service.add_entry(
        db,
        actor=owner,
        list_id=list_id,
        data=md5_entry().model_copy(
            update={
                "signal_type": "photodna",
                "value": base64.b64encode(secrets.token_bytes(144)).decode(),
            }
        ),
    )
    gone = service.add_entry(db, actor=owner, list_id=list_id, data=md5_entry())
    service.tombstone_entry(db, actor=owner, entry_id=gone.id, reason="x")


def _key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (
        entry["signal_type"],
        entry["value"],
        entry["classification_scheme"],
        entry["classification"],
        entry["series"],
        entry["victim_identified"],
    )


@pytest.mark.parametrize("fmt", ["vics2", "vics2-case", "vics1", "hma"])
def test_export_round_trips(
    client: TestClient, db: Session, factory: Factory, world: World, fmt: str
) -> None:
    source = shared_list(db, world)
    _entries(db, world, source.id)
    headers = api_headers(factory, world.owner.user)
    exported = client.get(f"/api/v1/lists/{source.id}/export?format={fmt}", headers=headers)
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    target = shared_list(db, world)
    imported = _import(
        client, headers, target.id, exported.content, "hma" if fmt == "hma" else "vics"
    )
    assert imported.status_code == 200, imported.text
    before = client.get(f"/api/v1/lists/{source.id}/entries", headers=headers).json()
    after = client.get(f"/api/v1/lists/{target.id}/entries", headers=headers).json()
    assert len(before) == 5  # the tombstoned entry is not exported
    if fmt == "hma":  # the CSV carries type, value and classification only
        assert {_key(e)[:4] for e in after} == {_key(e)[:4] for e in before}
    else:
        assert {_key(e) for e in after} == {_key(e) for e in before}
    if fmt.startswith("vics"):
        text = exported.content.decode()
        assert '"MD5": "' + before[-1]["value"].upper() in text or "MD5" in text


def test_third_organisation_cannot_export(
    client: TestClient, db: Session, factory: Factory, world: World
) -> None:
    hash_list = shared_list(db, world)
    third = api_headers(factory, world.third.user)
    response = client.get(f"/api/v1/lists/{hash_list.id}/export", headers=third)
    assert response.status_code == 404
    partner = api_headers(factory, world.partner.user, scopes=("read",))
    assert client.get(f"/api/v1/lists/{hash_list.id}/export", headers=partner).status_code == 200
    assert (
        client.get(f"/api/v1/lists/{hash_list.id}/export?format=xml", headers=partner).status_code
        == 422
    )
    assert exchange.IMPORT_FORMATS == ("vics", "hma")
