"""The issue's "done when", end to end through the API: two organisations share a list with each
other and not with a third; the second scans a folder of generated images (some resized,
recompressed or lightly cropped copies of listed ones) and finds exactly the expected matches;
the owner sees the sightings and the feedback; a VICS file round-trips."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from nohaven.hashes import scanning
from nohaven.hashes.hashing import hash_files
from tests.factories import Factory
from tests.hashes import images
from tests.hashes.conftest import World, api_headers

LISTED = range(1, 7)  # seeds of the images whose hashes go on the list
UNRELATED = range(101, 105)


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def test_share_scan_find_exactly_the_expected_matches(
    client: TestClient, factory: Factory, world: World, tmp_path: Path
) -> None:
    owner_h = api_headers(factory, world.owner.user)
    partner_h = api_headers(factory, world.partner.user)
    third_h = api_headers(factory, world.third.user)

    # The owner hashes its own (generated) images on its own machine and lists the hashes.
    source = tmp_path / "owner"
    source.mkdir()
    originals = {seed: images.textured(seed) for seed in LISTED}
    for seed, image in originals.items():
        images.save_jpeg(image, source / f"listed-{seed}.jpg")
    hashed = {Path(h.path).name: h for h in hash_files(sorted(source.iterdir()))}
    assert all(h.error is None and (h.pdq_quality or 0) >= 50 for h in hashed.values())

    created = client.post(
        "/api/v1/lists",
        json={
            "name": "Shared known material",
            "tlp": "TLP:AMBER",
            "audience_organisation_ids": [world.partner.org.id],
        },
        headers=owner_h,
    )
    assert created.status_code == 201
    list_id = created.json()["id"]
    entry_of: dict[str, str] = {}  # file name -> PDQ entry id
    md5_entry_of: dict[str, str] = {}
    for name, h in sorted(hashed.items()):
        response = client.post(
            f"/api/v1/lists/{list_id}/entries",
            json={
                "signal_type": "pdq",
                "value": h.pdq,
                "pdq_quality": h.pdq_quality,
                "classification_scheme": "vics_us",
                "classification": "1",
                "series": f"Series {name}",
            },
            headers=owner_h,
        )
        assert response.status_code == 201, response.text
        entry_of[name] = response.json()["id"]
        response = client.post(
            f"/api/v1/lists/{list_id}/entries",
            json={"signal_type": "md5", "value": h.md5},
            headers=owner_h,
        )
        md5_entry_of[name] = response.json()["id"]

    # The partner's folder: exact copies, altered copies, unrelated images, a non-image.
    scan_dir = tmp_path / "partner"
    scan_dir.mkdir()
    shutil.copy(source / "listed-1.jpg", scan_dir / "copy-1.jpg")
    images.save_jpeg(images.resized(originals[2], 0.5), scan_dir / "resized-2.jpg")
    images.save_jpeg(images.recompressed(originals[3], 40), scan_dir / "recompressed-3.jpg", 60)
    images.save_jpeg(images.cropped(originals[4], 0.01), scan_dir / "cropped-4.jpg")
    images.resized(originals[5], 0.7).save(scan_dir / "resized-5.png")
    for seed in UNRELATED:
        images.save_jpeg(images.textured(seed), scan_dir / f"unrelated-{seed}.jpg")
    (scan_dir / "notes.txt").write_text("not an image")

    expected = {
        "copy-1.jpg": {entry_of["listed-1.jpg"], md5_entry_of["listed-1.jpg"]},
        "resized-2.jpg": {entry_of["listed-2.jpg"]},
        "recompressed-3.jpg": {entry_of["listed-3.jpg"]},
        "cropped-4.jpg": {entry_of["listed-4.jpg"]},
        "resized-5.png": {entry_of["listed-5.jpg"]},
    }
    files = scanning.expand([scan_dir])
    results = scanning.scan(hash_files(files), scanning.remote_matcher(client, _token(partner_h)))
    found = {Path(r.path).name: {m.entry_id for m in r.matches} for r in results}
    assert {name: ids for name, ids in found.items() if ids} == expected
    assert len(results) == len(files)
    copy = next(r for r in results if r.path.endswith("copy-1.jpg"))
    assert {m.list_name for m in copy.matches} == {"Shared known material"}
    assert all(m.distance <= 31 for r in results for m in r.matches)

    # The third organisation, scanning the same folder, finds nothing.
    third = scanning.scan(hash_files(files), scanning.remote_matcher(client, _token(third_h)))
    assert all(r.matches == [] for r in third)

    # The partner marks one match a true positive and one a false positive.
    for entry_id, verdict in (
        (entry_of["listed-2.jpg"], "true_positive"),
        (entry_of["listed-4.jpg"], "false_positive"),
    ):
        response = client.post(
            f"/api/v1/hash-entries/{entry_id}/feedback",
            json={"verdict": verdict},
            headers=partner_h,
        )
        assert response.status_code == 200

    # The owner sees every sighting (who, which entry) and the feedback per entry.
    sightings = client.get(f"/api/v1/lists/{list_id}/sightings", headers=owner_h).json()
    assert sorted(s["entry_id"] for s in sightings) == sorted(
        i for ids in expected.values() for i in ids
    )
    assert {s["organisation_id"] for s in sightings} == {world.partner.org.id}
    detail = client.get(f"/api/v1/hash-entries/{entry_of['listed-4.jpg']}", headers=owner_h)
    assert [f["verdict"] for f in detail.json()["feedback"]] == ["false_positive"]
    assert len(detail.json()["sightings"]) == 1
    assert client.get(f"/api/v1/lists/{list_id}/sightings", headers=partner_h).status_code == 403

    # A VICS file round-trips: exported by the owner, imported into a new list, same entries.
    exported = client.get(f"/api/v1/lists/{list_id}/export?format=vics2", headers=owner_h)
    assert exported.status_code == 200
    assert exported.text.count('"MD5": "') == len(md5_entry_of)
    copy_list = client.post(
        "/api/v1/lists", json={"name": "Round trip", "tlp": "TLP:RED"}, headers=owner_h
    ).json()
    imported = client.post(
        f"/api/v1/lists/{copy_list['id']}/import?format=vics",
        files={"file": ("export.json", exported.content, "application/json")},
        headers=owner_h,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["added"] == len(entry_of) + len(md5_entry_of)

    def entries(lid: str) -> set[tuple[str, str, str | None, str | None]]:
        rows = client.get(f"/api/v1/lists/{lid}/entries", headers=owner_h).json()
        return {(e["signal_type"], e["value"], e["classification"], e["series"]) for e in rows}

    assert entries(copy_list["id"]) == entries(list_id)
