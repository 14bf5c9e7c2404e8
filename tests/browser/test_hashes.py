"""An analyst creates a hash list, imports a small VICS file into it, and finds one of its
hashes on the lookup page."""

from __future__ import annotations

import json
import secrets
import uuid
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from typer.testing import CliRunner

from nohaven.auth import passwords, second_factor
from nohaven.auth import service as auth_service
from nohaven.auth.policy import Tlp
from nohaven.cli import app
from nohaven.hashes import service
from nohaven.hashes.hashing import hash_files
from nohaven.hashes.schemas import EntryCreate, HashListCreate
from nohaven.members.models import Organisation, User
from tests.browser.conftest import LiveServer, browser_login
from tests.hashes import images

pytestmark = pytest.mark.browser

PASSWORD = "browser test password"


def _analyst(live_server: LiveServer) -> tuple[str, str]:
    email = f"hash-analyst-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.session() as session:
        nca = session.execute(
            select(Organisation).where(Organisation.short_name == "NCA")
        ).scalar_one()
        user = User(
            email=email,
            display_name="Hash Analyst",
            organisation_id=nca.id,
            roles=["analyst"],
            password_hash=passwords.hash_password(PASSWORD, settings=live_server.settings),
        )
        session.add(user)
        session.flush()
        session.refresh(user, ["organisation"])
        secret = second_factor.begin_totp_enrolment(
            session, user=user, settings=live_server.settings
        )
        second_factor.confirm_totp_enrolment(
            session, user=user, code=pyotp.TOTP(secret).now(), settings=live_server.settings
        )
        user.totp_last_step = None
    return email, secret


def _vics_file(path: Path, md5s: list[str]) -> Path:
    document = {
        "@odata.context": "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
        "value": [
            {
                "MediaID": i + 1,
                "MD5": md5.upper(),
                "Category": 1,
                "VictimIdentified": "false",
                "OffenderIdentified": "true",
                "Series": "Browser series",
            }
            for i, md5 in enumerate(md5s)
        ],
    }
    path.write_text("\ufeff" + json.dumps(document), encoding="utf-8")
    return path


def test_create_list_import_vics_and_find_a_match(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    email, secret = _analyst(live_server)
    browser_login(page, live_server, email, PASSWORD, totp_secret=secret)
    page.get_by_role("link", name="Hash lists").click()
    expect(page.get_by_role("heading", name="Hash lists", exact=True)).to_be_visible()

    name = f"Browser list {uuid.uuid4().hex[:6]}"
    page.get_by_label("Name").fill(name)
    page.get_by_label("TLP label").select_option("TLP:AMBER+STRICT")
    page.get_by_role("button", name="Create list").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()

    md5s = [secrets.token_hex(16) for _ in range(3)]
    page.get_by_label("Format").select_option("vics")
    page.get_by_label("File").set_input_files(str(_vics_file(tmp_path / "set.json", md5s)))
    page.get_by_role("button", name="Import").click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("3 records imported")

    page.goto(live_server.url + "/hash-lookup")
    page.get_by_label("Hashes, one per line").fill(md5s[1].upper() + "\n" + secrets.token_hex(16))
    page.get_by_role("button", name="Look up").click()
    expect(page.locator("#lookup-summary")).to_have_text("1 of 2 hashes matched")
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("Browser series")


def test_scan_command_against_a_live_server(
    live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nohaven scan --server` over real HTTP, with the token from NOHAVEN_TOKEN: only hashes
    travel, and the matches come back with list, classification and distance."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    original = images.textured(31)
    images.save_jpeg(original, tmp_path / "listed.jpg")
    images.save_jpeg(images.recompressed(original, 50), folder / "seized.jpg")
    images.save_jpeg(images.textured(32), folder / "unrelated.jpg")
    (hashed,) = list(hash_files([tmp_path / "listed.jpg"]))
    name = f"Live list {uuid.uuid4().hex[:6]}"
    with live_server.session() as session:
        nca = session.execute(
            select(User).where(User.email == "analyst@nca.demo.nohaven.test")
        ).scalar_one()
        afp = session.execute(
            select(User).where(User.email == "analyst@afp.demo.nohaven.test")
        ).scalar_one()
        session.refresh(nca, ["organisation"])
        session.refresh(afp, ["organisation"])
        owner = auth_service.actor_for(session, nca)
        created = service.create_list(
            session,
            actor=owner,
            data=HashListCreate(
                name=name, tlp=Tlp.AMBER, audience_organisation_ids=[afp.organisation_id]
            ),
        )
        service.add_entry(
            session,
            actor=owner,
            list_id=created.id,
            data=EntryCreate.model_validate(
                {
                    "signal_type": "pdq",
                    "value": hashed.pdq,
                    "pdq_quality": hashed.pdq_quality,
                    "classification_scheme": "uk",
                    "classification": "C",
                }
            ),
        )
        partner = auth_service.actor_for(session, afp)
        while True:  # see tests/hashes/conftest.py: api_headers (a foundation token bug)
            secret = auth_service.create_api_token(
                session,
                actor=partner,
                name="scan",
                scopes=["read"],
                days=1,
                max_days=live_server.settings.api_token_max_days,
            ).secret
            if secret.count("_") == 2:
                break
    monkeypatch.setenv("NOHAVEN_TOKEN", secret)
    result = CliRunner().invoke(app, ["scan", str(folder), "--server", live_server.url, "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_name = {Path(line["path"]).name: line["matches"] for line in lines}
    assert [(m["list_name"], m["classification"]) for m in by_name["seized.jpg"]] == [
        (name, "UK (CAID) Category C")
    ]
    assert by_name["seized.jpg"][0]["distance"] <= 31
    assert by_name["unrelated.jpg"] == []
    monkeypatch.setenv("NOHAVEN_TOKEN", "nh_wrong_token")
    refused = CliRunner().invoke(app, ["scan", str(folder), "--server", live_server.url])
    assert refused.exit_code == 1
    assert "refused the token" in refused.output
