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

from nohaven.auth import passwords
from nohaven.auth import service as auth_service
from nohaven.members.models import Organisation, User
from tests.browser.conftest import LiveServer, browser_login

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
            password_hash=passwords.hash_password(PASSWORD),
        )
        session.add(user)
        session.flush()
        session.refresh(user, ["organisation"])
        secret = auth_service.begin_totp_enrolment(session, user=user)
        auth_service.confirm_totp_enrolment(session, user=user, code=pyotp.TOTP(secret).now())
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
    expect(page.locator("#lookup-summary")).to_have_text("1 of 2 queries matched")
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("Browser series")
