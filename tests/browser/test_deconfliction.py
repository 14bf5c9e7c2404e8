"""An analyst opens a deconfliction hit in the hits inbox and records an outcome."""

from __future__ import annotations

import uuid

import pyotp
import pytest
from playwright.sync_api import Page, expect

from nohaven.auth import passwords, second_factor
from nohaven.auth import service as auth_service
from nohaven.deconfliction import client
from nohaven.deconfliction.keys import server_key
from nohaven.deconfliction.local import LocalTransport
from nohaven.deconfliction.selectors import normalise
from nohaven.members.models import Organisation, OrganisationKind, User
from tests.browser.conftest import LiveServer, browser_login

pytestmark = pytest.mark.browser

PASSWORD = "browser test password"


def test_open_a_hit_and_record_an_outcome(page: Page, live_server: LiveServer) -> None:
    tag = uuid.uuid4().hex[:8]
    shared = normalise("email", f"overlap-{tag}@example.org")
    emails = {}
    secret = ""
    with live_server.session() as session:
        for name, country in ((f"Agency One {tag}", "GB"), (f"Agency Two {tag}", "NZ")):
            org = Organisation(name=name, kind=OrganisationKind.LAW_ENFORCEMENT, country=country)
            session.add(org)
            session.flush()
            user = User(
                email=f"analyst-{name.split()[1].lower()}-{tag}@example.org",
                display_name="Analyst",
                organisation_id=org.id,
                roles=["analyst"],
                password_hash=passwords.hash_password(PASSWORD, settings=live_server.settings),
            )
            session.add(user)
            session.flush()
            session.refresh(user, ["organisation"])
            emails[name] = user.email
            if country == "GB":
                secret = second_factor.begin_totp_enrolment(
                    session, user=user, settings=live_server.settings
                )
                second_factor.confirm_totp_enrolment(
                    session,
                    user=user,
                    code=pyotp.TOTP(secret).now(),
                    settings=live_server.settings,
                )
                user.totp_last_step = None
            client.register_selectors(
                LocalTransport(
                    session,
                    auth_service.actor_for(session, user),
                    server_key(live_server.settings),
                    limits=live_server.settings.deconfliction,
                ),
                selectors=[shared],
                case_reference=f"REF-{country}-{tag}",
                handling_code="H1",
                contact_card={"officer": name},
            )

    browser_login(page, live_server, emails[f"Agency One {tag}"], PASSWORD, totp_secret=secret)
    page.get_by_role("link", name="Deconfliction").first.click()
    expect(page.get_by_role("heading", name="Deconfliction", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=f"REF-GB-{tag}", exact=True)).to_be_visible()
    page.get_by_role("link", name="Open the hits inbox").click()
    row = page.get_by_role("row").filter(has_text=f"Agency Two {tag}")
    expect(row).to_contain_text("to record")
    row.get_by_role("link").click()

    expect(page.get_by_role("heading", name="Deconfliction hit")).to_be_visible()
    expect(page.get_by_role("cell", name="New Zealand")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(f"REF-NZ-{tag}")
    page.get_by_label("Outcome for your agency").select_option("relevant")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_role("status")).to_have_text("Outcome recorded.")
    expect(page.locator("#own-outcome")).to_have_text("relevant")

    page.get_by_role("link", name="Back to the hits inbox").click()
    expect(page.get_by_role("row").filter(has_text=f"Agency Two {tag}")).to_contain_text("relevant")
