"""Client-side hashing: digests from the same bytes, PDQ that survives light edits."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PIL import Image
from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_bytes

from nohaven.hashes.hashing import NOT_AN_IMAGE, FileHashes, hash_files, pdq_of_image_bytes
from nohaven.hashes.pdq import hamming
from tests.hashes.imagegen import crop_fraction, encode, textured


@pytest.fixture(scope="module")
def originals() -> list[Image.Image]:
    return [textured(seed, 1200, 900) for seed in range(5)]


def test_pdq_of_textured_images_is_high_quality_and_distinct(
    originals: list[Image.Image],
) -> None:
    hashes = []
    for image in originals:
        value, quality = pdq_of_image_bytes(encode(image, quality=90))
        assert len(value) == 64
        assert int(value, 16) >= 0
        assert quality >= 80
        hashes.append(value)
    distances = [hamming(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1 :]]
    assert min(distances) > 31


def test_edited_copies_stay_within_the_match_threshold(originals: list[Image.Image]) -> None:
    for image in originals:
        original, _ = pdq_of_image_bytes(encode(image, quality=90))
        width, height = image.size
        copies = {
            "half size": encode(image.resize((width // 2, height // 2)), quality=90),
            "recompressed": encode(image, quality=35),
            "png": encode(image, "PNG"),
            "cropped 1 %": encode(crop_fraction(image, 0.01), quality=85),
            "large": encode(image.resize((width * 2, height * 2)), quality=90),
        }
        for name, data in copies.items():
            assert hamming(original, pdq_of_image_bytes(data)[0]) <= 31, name


def test_agrees_with_threatexchange_within_10(originals: list[Image.Image]) -> None:
    # threatexchange hashes the full-resolution pixels; we shrink to 512 px first, as Meta's
    # reference hasher does, so the two differ by a few bits
    for image in originals:
        data = encode(image, quality=92)
        ours, quality = pdq_of_image_bytes(data)
        theirs, their_quality = pdq_from_bytes(data)
        assert quality >= 80
        assert their_quality >= 80
        assert hamming(ours, theirs) <= 10


def test_other_modes_hash(originals: list[Image.Image]) -> None:
    image = originals[0]
    reference, _ = pdq_of_image_bytes(encode(image, "PNG"))
    for converted in (image.convert("L"), image.convert("RGBA"), image.convert("P")):
        value, _ = pdq_of_image_bytes(encode(converted, "PNG"))
        assert hamming(reference, value) <= 31


def test_not_an_image_is_refused_in_memory() -> None:
    with pytest.raises(ValueError, match="decoded"):
        pdq_of_image_bytes(b"plain text, not an image")


def _tree(tmp_path: Path, originals: list[Image.Image]) -> dict[str, bytes]:
    files = {
        "a/one.jpg": encode(originals[0], quality=90),
        "a/b/two.png": encode(originals[1], "PNG"),
        "notes.txt": b"just some words\n",
        "empty.bin": b"",
        "broken.jpg": encode(originals[2], quality=90)[:2000],
    }
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


@pytest.mark.parametrize("workers", [1, 2])
def test_hash_files_walks_and_reports_every_file(
    tmp_path: Path, originals: list[Image.Image], workers: int
) -> None:
    files = _tree(tmp_path, originals)
    missing = tmp_path / "missing.jpg"
    results = list(hash_files([tmp_path, missing], workers=workers))
    by_name = {Path(r.path).relative_to(tmp_path).as_posix(): r for r in results}
    assert sorted(by_name) == sorted([*files, "missing.jpg"])
    for name, data in files.items():
        result = by_name[name]
        assert result.size == len(data)
        assert result.md5 == hashlib.md5(data).hexdigest()  # noqa: S324 - a test vector
        assert result.sha1 == hashlib.sha1(data).hexdigest()  # noqa: S324
        assert result.sha256 == hashlib.sha256(data).hexdigest()
    one = by_name["a/one.jpg"]
    assert one.error is None
    assert one.pdq == pdq_of_image_bytes(files["a/one.jpg"])[0]
    assert one.pdq_quality is not None
    assert by_name["a/b/two.png"].pdq is not None
    assert by_name["notes.txt"].pdq is None
    assert by_name["notes.txt"].error == NOT_AN_IMAGE
    assert by_name["empty.bin"].error == NOT_AN_IMAGE
    broken = by_name["broken.jpg"]
    assert broken.pdq is None
    assert broken.readable
    assert broken.error is not None
    assert "decoded" in broken.error
    gone = by_name["missing.jpg"]
    assert not gone.readable
    assert gone.error is not None
    assert "unreadable" in gone.error


def test_unreadable_file_gets_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"x")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    # tests run as root here, where chmod 0 would not stop the read
    monkeypatch.setattr(Path, "read_bytes", refuse)
    [result] = list(hash_files([secret], workers=1))
    assert result == FileHashes(
        str(secret), None, None, None, None, None, None, "unreadable: Permission denied"
    )
    assert not result.readable


def test_special_files_are_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    [result] = list(hash_files([tmp_path], workers=1))
    assert result.error == "not a regular file"


def test_workers_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="workers"):
        list(hash_files([tmp_path], workers=0))
