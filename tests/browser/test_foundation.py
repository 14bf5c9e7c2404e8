"""A new law-enforcement user enrols a second factor, logs in with it, and reads the
directory with the chair of each body."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from nohaven.auth import passwords
from nohaven.members.models import Organisation, User
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

PASSWORD = "browser test password"


def test_login_with_totp_and_see_the_chairs(page: Page, live_server: LiveServer) -> None:
    email = f"officer-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.session() as session:
        nca = session.execute(
            select(Organisation).where(Organisation.short_name == "NCA")
        ).scalar_one()
        session.add(
            User(
                email=email,
                display_name="Officer",
                organisation_id=nca.id,
                roles=["analyst"],
                password_hash=passwords.hash_password(PASSWORD, settings=live_server.settings),
            )
        )

    page.goto(live_server.url + "/directory")
    expect(page).to_have_url(live_server.url + "/login?next=/directory")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Law enforcement must enrol a second factor before anything else.
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()

    expect(page.get_by_role("heading", name="Directory")).to_be_visible()
    vgt = page.get_by_role("region", name="Virtual Global Taskforce")
    expect(vgt.locator("[data-role=chair]")).to_have_text("Australian Federal Police")
    gtf = page.get_by_role("region", name="Global Taskforce on child sexual abuse online")
    expect(gtf.locator("[data-role=chair]")).to_have_text("European Commission")
    expect(gtf.get_by_role("row", name="African Union")).to_contain_text("vice chair")

    # Log out, and back in: this time the second factor is asked for.
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    # The enrolment code cannot be replayed; the next 30-second step's code is accepted.
    next_step = datetime.now(UTC) + timedelta(seconds=30)
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(next_step))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
