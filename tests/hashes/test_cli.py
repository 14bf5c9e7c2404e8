"""`nohaven hashes …` and `nohaven scan` against a committed SQLite database of demo data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nohaven import migrate
from nohaven.auth import service as auth_service
from nohaven.auth import users as accounts
from nohaven.cli import app
from nohaven.config import get_settings
from nohaven.db import session_scope
from nohaven.demo import load_demo
from nohaven.hashes import demo as hashes_demo
from nohaven.hashes import service
from nohaven.hashes.hashing import hash_files
from nohaven.hashes.schemas import EntryCreate
from tests.hashes import images

AFP = "analyst@afp.demo.nohaven.test"
ECPAT = "observer@ecpat.demo.nohaven.test"


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NOHAVEN_DATABASE_URL", url)
    get_settings.cache_clear()
    migrate.upgrade(url)
    with session_scope(get_settings()) as session:
        load_demo(session, settings=get_settings())
    yield url
    get_settings.cache_clear()


def test_lists_as_a_user(demo_db: str) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["hashes", "lists", "--as", AFP])
    assert shown.exit_code == 0, shown.output
    assert "NCA known material" in shown.output
    assert "AFP operation series" in shown.output
    nothing = runner.invoke(app, ["hashes", "lists", "--as", ECPAT])
    assert "NCA known material" not in nothing.output
    unknown = runner.invoke(app, ["hashes", "lists", "--as", "nobody@example.org"])
    assert unknown.exit_code == 1
    assert "No active user" in unknown.output
    assert hashes_demo.NCA_LIST


def test_scan_against_the_local_database(demo_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    listed = images.textured(7)
    images.save_jpeg(listed, tmp_path / "listed.jpg")
    images.save_jpeg(images.resized(listed, 0.6), folder / "copy.jpg")
    images.save_jpeg(images.textured(8), folder / "other.jpg")
    (folder / "notes.txt").write_text("text")
    (hashed,) = list(hash_files([tmp_path / "listed.jpg"]))
    with session_scope(get_settings()) as session:
        nca = accounts.find_user(session, email="analyst@nca.demo.nohaven.test")
        assert nca is not None
        actor = auth_service.actor_for(session, nca)
        names = [h.name for h in service.visible_lists(session, actor=actor)]
        target = next(
            h for h in service.visible_lists(session, actor=actor) if h.name == hashes_demo.NCA_LIST
        )
        service.add_entry(
            session,
            actor=actor,
            list_id=target.id,
            data=EntryCreate.model_validate(
                {
                    "signal_type": "pdq",
                    "value": hashed.pdq,
                    "pdq_quality": hashed.pdq_quality,
                    "classification_scheme": "uk",
                    "classification": "A",
                }
            ),
        )
    assert hashes_demo.NCA_LIST in names
    runner = CliRunner()
    result = runner.invoke(app, ["scan", str(folder), "--as", AFP, "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_name = {Path(line["path"]).name: line for line in lines}
    assert [m["list_name"] for m in by_name["copy.jpg"]["matches"]] == [hashes_demo.NCA_LIST]
    assert by_name["copy.jpg"]["matches"][0]["classification"] == "UK (CAID) Category A"
    assert by_name["other.jpg"]["matches"] == []
    table = runner.invoke(app, ["scan", str(folder), "--as", AFP])
    assert "3 files scanned, 1 matched" in table.stdout
    nothing = runner.invoke(app, ["scan", str(folder), "--as", ECPAT])
    assert "0 matched" in nothing.stdout
    missing = runner.invoke(app, ["scan", str(folder)])
    assert missing.exit_code == 1
    assert "--as" in missing.output
    no_token = runner.invoke(app, ["scan", str(folder), "--server", "http://127.0.0.1:9"])
    assert no_token.exit_code == 1
    assert "token" in no_token.output


def test_scan_matches_files_that_are_not_images(demo_db: str, tmp_path: Path) -> None:
    """A known video, archive or document in a listed set is found by whichever hash the list
    holds, although it has no PDQ."""
    import hashlib
    import io
    import secrets
    import zipfile

    folder = tmp_path / "seized"
    folder.mkdir()
    video = folder / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + secrets.token_bytes(4096))
    archive = folder / "bundle.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("readme.txt", secrets.token_hex(64))
    archive.write_bytes(buffer.getvalue())
    document = folder / "notes.pdf"
    document.write_bytes(b"%PDF-1.4\n" + secrets.token_bytes(512))
    unlisted = folder / "other.bin"
    unlisted.write_bytes(secrets.token_bytes(256))
    listed = {
        "md5": hashlib.md5(video.read_bytes(), usedforsecurity=False).hexdigest(),
        "sha1": hashlib.sha1(archive.read_bytes(), usedforsecurity=False).hexdigest(),
        "sha256": hashlib.sha256(document.read_bytes()).hexdigest(),
    }
    with session_scope(get_settings()) as session:
        nca = accounts.find_user(session, email="analyst@nca.demo.nohaven.test")
        assert nca is not None
        actor = auth_service.actor_for(session, nca)
        target = next(
            h for h in service.visible_lists(session, actor=actor) if h.name == hashes_demo.NCA_LIST
        )
        for kind, value in listed.items():
            service.add_entry(
                session,
                actor=actor,
                list_id=target.id,
                data=EntryCreate.model_validate(
                    {
                        "signal_type": kind,
                        "value": value,
                        "classification_scheme": "uk",
                        "classification": "A",
                    }
                ),
            )
    runner = CliRunner()
    result = runner.invoke(app, ["scan", str(folder), "--as", AFP, "--json"])
    assert result.exit_code == 0, result.output
    by_name = {
        Path(line["path"]).name: line
        for line in map(json.loads, result.stdout.splitlines())
        if line
    }
    found = {name: [m["signal_type"] for m in line["matches"]] for name, line in by_name.items()}
    assert found == {
        "clip.mp4": ["md5"],
        "bundle.zip": ["sha1"],
        "notes.pdf": ["sha256"],
        "other.bin": [],
    }
    assert all(line["error"] is None for line in by_name.values())
    table = runner.invoke(app, ["scan", str(folder), "--as", AFP])
    assert "4 files scanned, 3 matched, 0 unreadable" in table.stdout
    assert "unreadable" not in table.stderr


def test_export_and_import_files(demo_db: str, tmp_path: Path) -> None:
    nca = "analyst@nca.demo.nohaven.test"
    with session_scope(get_settings()) as session:
        user = accounts.find_user(session, email=nca)
        assert user is not None
        actor = auth_service.actor_for(session, user)
        list_id = next(
            h.id
            for h in service.visible_lists(session, actor=actor)
            if h.name == hashes_demo.NCA_LIST
        )
    runner = CliRunner()
    target = tmp_path / "nca.json"
    exported = runner.invoke(
        app, ["hashes", "export", "--list", list_id, "--as", nca, "--output", str(target)]
    )
    assert exported.exit_code == 0, exported.output
    assert "30 entries exported" in exported.output
    assert json.loads(target.read_text())["value"][0]["MediaID"]
    again = runner.invoke(app, ["hashes", "import", str(target), "--list", list_id, "--as", nca])
    assert again.exit_code == 0, again.output
    assert "30 records imported as 30 hashes (0 new, 30 updated" in again.output
    piped = runner.invoke(
        app,
        ["hashes", "import", "-", "--format", "vics", "--list", list_id, "--as", nca],
        input=target.read_bytes(),
    )
    assert piped.exit_code == 0, piped.output
    assert "30 records imported as 30 hashes (0 new, 30 updated" in piped.output
    refused = runner.invoke(app, ["hashes", "import", str(target), "--list", list_id, "--as", AFP])
    assert refused.exit_code == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("signal_type,signal_str\nmd5,abc\npdq," + "a" * 64 + "\n")
    rejected = runner.invoke(app, ["hashes", "import", str(bad), "--list", list_id, "--as", nca])
    assert rejected.exit_code == 1
    assert "record 1: malformed md5" in rejected.output
    assert "nothing was imported" in rejected.output
    hma = runner.invoke(
        app, ["hashes", "export", "--list", list_id, "--as", AFP, "--format", "hma"]
    )
    assert hma.exit_code == 0
    assert hma.stdout.startswith("signal_type,signal_str")
