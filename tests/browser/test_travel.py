"""A real browser: an NCA analyst sends a travel notification to Australia (first meeting
the clear error for a destination without a point of contact), an AFP analyst acknowledges
it and records a response, and the NCA analyst sees the response and the AFP read receipt."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from nohaven.auth import passwords
from nohaven.auth.second_factor import begin_totp_enrolment, confirm_totp_enrolment
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import format_when
from nohaven.members.models import Organisation, User
from tests.browser.conftest import LiveServer, browser_login

pytestmark = pytest.mark.browser

PASSWORD = "browser travel password"


def _analyst(server: LiveServer, short_name: str) -> tuple[str, str]:
    """A new analyst of a demo agency with an enrolled second factor: (email, TOTP secret)."""
    email = f"travel-{short_name.lower().replace(' ', '')}-{uuid.uuid4().hex[:8]}@example.org"
    with server.session() as session:
        org = session.execute(
            select(Organisation).where(Organisation.short_name == short_name)
        ).scalar_one()
        user = User(
            email=email,
            display_name=f"{short_name} travel analyst",
            organisation_id=org.id,
            roles=["analyst"],
            password_hash=passwords.hash_password(PASSWORD, settings=server.settings),
        )
        session.add(user)
        session.flush()
        secret = begin_totp_enrolment(session, user=user, settings=server.settings)
        confirm_totp_enrolment(
            session, user=user, code=pyotp.TOTP(secret).now(), settings=server.settings
        )
        user.totp_last_step = None
    return email, secret


def _allow_code_again(server: LiveServer, email: str) -> None:
    """A test logs in twice within one 30-second step; a real user never needs this."""
    with server.session() as session:
        session.execute(update(User).where(User.email == email).values(totp_last_step=None))


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("E-mail address")).to_be_visible()


def test_nca_sends_to_australia_and_afp_acknowledges(page: Page, live_server: LiveServer) -> None:
    nca_email, nca_secret = _analyst(live_server, "NCA")
    afp_email, afp_secret = _analyst(live_server, "AFP")
    subject = f"Fictional Browser-Subject {uuid.uuid4().hex[:6]}"
    departure = (utcnow() + timedelta(days=8)).date()

    browser_login(page, live_server, nca_email, PASSWORD, totp_secret=nca_secret)
    page.get_by_role("link", name="Travel notifications").click()
    expect(page.get_by_role("heading", name="Travel notifications", level=1)).to_be_visible()
    page.get_by_role("link", name="New notification").click()
    page.get_by_label("Full name").fill(subject)
    page.get_by_label("Date of birth").fill("1969-04-05")
    page.get_by_label("Nationality").select_option("GB")
    page.get_by_label("Passport number").fill("BR0W5ER01")
    page.get_by_label("Conviction summary").fill("Synthetic conviction for a browser test.")
    page.get_by_label("Risk tier").select_option("high")
    # France has no receiving agency in the demo: the sender is told before anything goes.
    page.get_by_label("Leg 1 destination").select_option("FR")
    page.get_by_label("Leg 1 departure date").fill(departure.isoformat())
    page.get_by_label("Leg 1 departure time").fill("09:30")
    page.get_by_label("Leg 1 carrier").fill("Example Air")
    page.get_by_label("Leg 1 flight").fill("EX15")
    page.get_by_role("button", name="Send notification").click()
    expect(page.get_by_role("alert")).to_contain_text("No receiving agency is designated for FR")
    expect(page.get_by_label("Full name")).to_have_value(subject)

    page.get_by_label("Leg 1 destination").select_option("AU")
    page.get_by_role("button", name="Send notification").click()
    expect(page.locator("#subject-name")).to_have_text(subject)
    expect(page.get_by_role("region", name="Receivers")).to_contain_text(
        "Australian Federal Police"
    )
    expect(page.get_by_role("region", name="Receivers")).to_contain_text("not yet")
    notification_url = page.url
    _log_out(page)

    browser_login(page, live_server, afp_email, PASSWORD, totp_secret=afp_secret)
    page.get_by_role("link", name="Travel notifications").click()
    received = page.get_by_role("region", name="Received")
    expect(received).to_contain_text("National Crime Agency")
    received.get_by_role("row").filter(has_text=format_when(departure)).get_by_role(
        "link", name="Open"
    ).first.click()
    expect(page.locator("#subject-name")).to_have_text(subject)
    expect(page.locator("#acknowledgement")).to_contain_text("Not acknowledged yet")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#acknowledgement")).to_contain_text("Acknowledged")
    # A response of "other" needs a note: the form says so and nothing is recorded.
    page.get_by_label("Response", exact=True).select_option("other")
    page.get_by_role("button", name="Record response").click()
    expect(page.get_by_role("alert")).to_contain_text("describe the response")
    page.get_by_label("Response", exact=True).select_option("monitored")
    page.get_by_label("Note").fill("Arrival will be monitored.")
    page.get_by_role("button", name="Record response").click()
    expect(page.locator("#response")).to_contain_text("monitored")
    _log_out(page)

    _allow_code_again(live_server, nca_email)
    browser_login(page, live_server, nca_email, PASSWORD, totp_secret=nca_secret)
    page.goto(notification_url)
    receivers = page.get_by_role("region", name="Receivers")
    expect(receivers).to_contain_text("monitored")
    expect(receivers).to_contain_text("Arrival will be monitored.")
    expect(page.get_by_role("region", name="Read receipts")).to_contain_text(afp_email)
