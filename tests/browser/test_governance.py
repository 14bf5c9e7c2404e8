"""The secretariat schedules a meeting and tables a motion; two member delegates vote; the
secretariat closes the vote and everyone sees the result."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from nohaven.auth import passwords
from nohaven.governance.models import StandingOrders
from nohaven.kit.clock import utcnow
from nohaven.members.demo import DEMO_PASSWORD
from nohaven.members.models import Body, Membership, MembershipRole, Organisation, User
from tests.browser.conftest import LiveServer, browser_login

pytestmark = pytest.mark.browser

PASSWORD = "browser governance password"


def _arrange(server: LiveServer, tag: str) -> tuple[str, list[str]]:
    """A small body of three governments with two delegates; quorum half, simple majority."""
    with server.session() as session:
        body = Body(name=f"Browser Taskforce {tag}", slug=f"browser-{tag}", meetings_per_year=2)
        session.add(body)
        session.flush()
        session.add(StandingOrders(body_id=body.id, quorum_percent=50, majority="simple"))
        emails = []
        for n in range(3):
            org = Organisation(name=f"Government {tag} {n}", kind="government", country="NZ")
            session.add(org)
            session.flush()
            session.add(
                Membership(
                    organisation_id=org.id,
                    body_id=body.id,
                    role=MembershipRole.MEMBER,
                    start_date=date(2024, 1, 1),
                )
            )
            if n < 2:
                email = f"delegate-{tag}-{n}@example.org"
                session.add(
                    User(
                        email=email,
                        display_name=f"Delegate {n}",
                        organisation_id=org.id,
                        roles=["delegate"],
                        password_hash=passwords.hash_password(PASSWORD, settings=server.settings),
                    )
                )
                emails.append(email)
        return body.name, emails


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login**")


def test_schedule_meeting_vote_and_see_result(page: Page, live_server: LiveServer) -> None:
    tag = uuid.uuid4().hex[:8]
    body_name, delegates = _arrange(live_server, tag)
    url = live_server.url

    browser_login(page, live_server, "secretariat@demo.nohaven.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Meetings").click()
    section = page.get_by_role("region", name=f"Schedule a meeting of {body_name}")
    expect(section.locator(".proposed-date")).to_have_count(2)
    meeting_day = (utcnow() + timedelta(days=30)).date().isoformat()
    section.get_by_label("Title").fill(f"Plenary {tag}")
    section.get_by_label("Date").fill(meeting_day)
    section.get_by_label("Local start time").fill("10:30")
    section.get_by_label("Time zone (e.g. Europe/Brussels)").fill("Pacific/Auckland")
    section.get_by_label("Place").fill("Wellington")
    section.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Plenary {tag}")
    expect(page.get_by_text("10:30 Pacific/Auckland")).to_be_visible()

    page.get_by_role("link", name="Motions").click()
    page.get_by_label("Body").select_option(label=body_name)
    page.get_by_label("Title").fill(f"Hold the plenary in Wellington {tag}")
    closes = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Voting closes at (UTC)").fill(closes)
    page.get_by_role("button", name="Table the motion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Hold the plenary in Wellington {tag}"
    )
    motion_url = page.url
    _log_out(page)

    for email, option in zip(delegates, ("yes", "yes"), strict=True):
        browser_login(page, live_server, email, PASSWORD)
        page.goto(motion_url)
        page.get_by_label(option, exact=True).check()
        page.get_by_role("button", name="Cast vote").click()
        expect(page.get_by_text("Your vote has been recorded.")).to_be_visible()
        expect(page.locator("#own-vote")).to_contain_text(option)
        _log_out(page)

    browser_login(page, live_server, "secretariat@demo.nohaven.test", DEMO_PASSWORD)
    page.goto(motion_url)
    expect(page.locator("#participants")).to_contain_text("2 of 3 so far")
    page.once("dialog", lambda dialog: dialog.accept())  # "Close the vote now and count?"
    page.get_by_role("button", name="Close voting now and count").click()
    expect(page.locator("#outcome")).to_contain_text("Carried")
    expect(page.locator('td[data-option="yes"]')).to_have_text("2")
    expect(page.get_by_text("Turnout: 2 of 3 voting members · quorum met.")).to_be_visible()
    assert url in motion_url


def test_public_body_page_and_contact_form_without_login(
    page: Page, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.goto(live_server.url + "/public/bodies/vgt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Virtual Global Taskforce")
    expect(page.get_by_text("not a service for reporting a child at risk")).to_be_visible()
    page.get_by_role("link", name="Joint statement on end-to-end encryption").click()
    expect(page.locator("#signatories")).to_contain_text("National Crime Agency")
    page.goto(live_server.url + "/public/bodies/vgt/contact")
    page.get_by_label("Your name").fill("Browser Visitor")
    page.get_by_label("Your e-mail address").fill("visitor@example.org")
    page.get_by_label("Subject").fill("A question")
    page.get_by_label("Message").fill("Does the taskforce accept speakers?")
    # a person takes a few seconds to write; a form sent faster is refused as a robot's
    page.wait_for_timeout(live_server.settings.contact_min_fill_seconds * 1000)
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status")).to_contain_text("reached the secretariat")
    # The message lands in the secretariat's inbox.
    browser_login(page, live_server, "secretariat@demo.nohaven.test", DEMO_PASSWORD)
    page.goto(live_server.url + "/inbox")
    row = page.get_by_role("row").filter(
        has_text="New message through the public page of Virtual Global Taskforce"
    )
    row.first.get_by_role("button", name="Open").click()
    expect(page.get_by_text("Does the taskforce accept speakers?")).to_be_visible()
