"""`nohaven hash`: files in, hashes out, bad files reported and skipped."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nohaven.hashes import hash_cli
from nohaven.hashes.hashing import pdq_of_image_bytes
from nohaven.hashes.vics import MediaRecord
from nohaven.hashes.vics_reader import read_vics
from tests.hashes.imagegen import encode, textured


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        """test root (so `hash` stays a sub-command)"""

    hash_cli.register(root)
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    base = tmp_path / "seized"
    (base / "sub").mkdir(parents=True)
    (base / "one.jpg").write_bytes(encode(textured(1, 640, 480), quality=90))
    (base / "sub" / "two.png").write_bytes(encode(textured(2, 640, 480), "PNG"))
    (base / "readme.txt").write_bytes(b"hello\n")
    (base / "sub" / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    return base


def test_csv_to_file_with_reasons_for_bad_files(
    app: typer.Typer, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "hashes.csv"
    result = CliRunner().invoke(app, ["hash", str(folder), "--output", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = {Path(r["path"]).name: r for r in csv.DictReader(out.open())}
    assert sorted(rows) == ["bad.jpg", "one.jpg", "readme.txt", "two.png"]
    one = (folder / "one.jpg").read_bytes()
    assert rows["one.jpg"]["md5"] == hashlib.md5(one).hexdigest()  # noqa: S324 - test vector
    assert rows["one.jpg"]["sha256"] == hashlib.sha256(one).hexdigest()
    assert rows["one.jpg"]["pdq"] == pdq_of_image_bytes(one)[0]
    assert int(rows["one.jpg"]["pdq_quality"]) >= 80
    assert rows["readme.txt"]["pdq"] == ""
    assert "bad.jpg: image could not be decoded" in result.output
    assert "readme.txt: not a supported image" in result.output
    assert "4 of 4 files hashed; 0 unreadable; 2 without PDQ." in result.output


def test_jsonl_on_stdout_with_two_workers_and_a_missing_path(
    app: typer.Typer, folder: Path
) -> None:
    missing = folder / "gone.jpg"
    result = CliRunner().invoke(
        app, ["hash", str(folder / "one.jpg"), str(missing), "--format", "jsonl", "-w", "2"]
    )
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [Path(line["path"]).name for line in lines] == ["one.jpg"]
    assert lines[0]["pdq"]
    assert f"{missing}: unreadable" in result.output
    assert "1 of 2 files hashed; 1 unreadable" in result.output


def test_vics_output_reads_back(app: typer.Typer, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "set.json"
    result = CliRunner().invoke(app, ["hash", str(folder), "-f", "vics", "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = list(read_vics(io.BytesIO(out.read_bytes())))
    assert all(isinstance(r, MediaRecord) for r in records)
    by_path = {r.relative_file_path: r for r in records if isinstance(r, MediaRecord)}
    assert set(by_path) == {"one.jpg", "readme.txt", "sub/two.png", "sub/bad.jpg"}
    assert by_path["one.jpg"].pdq == pdq_of_image_bytes((folder / "one.jpg").read_bytes())[0]
    assert '"MD5": "' + by_path["one.jpg"].md5.upper() in out.read_text()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "args", [["hash"], ["hash", ".", "--workers", "0"], ["hash", ".", "--format", "xml"]]
)
def test_usage_errors_exit_non_zero(app: typer.Typer, args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2


def test_unwritable_output_is_a_clear_error(app: typer.Typer, folder: Path) -> None:
    result = CliRunner().invoke(
        app, ["hash", str(folder), "--output", str(folder / "no" / "such" / "dir.csv")]
    )
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert "Traceback" not in result.output
