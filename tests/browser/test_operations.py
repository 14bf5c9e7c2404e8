"""A real browser: an AFP analyst proposes a joint operation in the VGT and invites the NCA
and US HSI; both join; US HSI refers a suspect to the NCA, which opens, acknowledges and
concludes it; both report results; the lead drafts the joint results statement from the
totals; once the body's motion has adopted it, the secretariat publishes it, and its public
page shows the totals and nothing of the referral."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from nohaven.auth import passwords
from nohaven.auth.second_factor import begin_totp_enrolment, confirm_totp_enrolment
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions.models import Majority, Motion, Outcome
from nohaven.governance.statements import service as statements
from nohaven.kit.clock import utcnow
from nohaven.members.demo import DEMO_PASSWORD
from nohaven.members.models import Body, Organisation, User
from nohaven.operations.models import Activity
from tests.browser.conftest import LiveServer, browser_login

pytestmark = pytest.mark.browser

PASSWORD = "browser operations password"


def _analyst(server: LiveServer, short_name: str) -> tuple[str, str]:
    """A new analyst of a demo agency with an enrolled second factor: (e-mail, TOTP secret)."""
    email = f"ops-{short_name.lower().replace(' ', '')}-{uuid.uuid4().hex[:8]}@example.org"
    with server.session() as session:
        org = session.execute(
            select(Organisation).where(Organisation.short_name == short_name)
        ).scalar_one()
        user = User(
            email=email,
            display_name=f"{short_name} operations analyst",
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


def _log_in(page: Page, server: LiveServer, who: tuple[str, str]) -> None:
    with server.session() as session:  # a test logs in again within one 30-second step
        session.execute(update(User).where(User.email == who[0]).values(totp_last_step=None))
    browser_login(page, server, who[0], PASSWORD, totp_secret=who[1])


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("E-mail address")).to_be_visible()


def _adopt_by_the_body(server: LiveServer, code_name: str) -> str:
    """The body's motion to adopt the draft, closed and carried (governance's own tests drive
    the vote itself); returns the statement's id."""
    with server.session() as session:
        activity = session.scalars(select(Activity).where(Activity.code_name == code_name)).one()
        vgt = session.scalars(select(Body).where(Body.slug == "vgt")).one()
        assert activity.statement_id is not None
        now = utcnow()
        voters = len(bodies.voting_organisations(session, vgt.id, now.date()))
        motion = Motion(
            body_id=vgt.id,
            title=f"Adopt the results of Operation {code_name}",
            options=["yes", "no", "abstain"],
            opens_at=now - timedelta(days=2),
            closes_at=now - timedelta(minutes=1),
            majority=Majority.SIMPLE,
            quorum_percent=50,
            closed_at=now - timedelta(minutes=1),
            tally={"yes": voters, "no": 0, "abstain": 0},
            eligible=voters,
            turnout=voters,
            quorum_met=True,
            outcome=Outcome.CARRIED,
            winner="yes",
        )
        session.add(motion)
        session.flush()
        statements.await_adoption(session, statement_id=activity.statement_id, motion=motion)
        statements.adopt_by_vote(session, motion=motion)
        return activity.statement_id


def test_joint_operation_from_proposal_to_published_results(
    page: Page, live_server: LiveServer
) -> None:
    afp, nca, hsi = (_analyst(live_server, s) for s in ("AFP", "NCA", "US HSI"))
    code_name = f"Browser Tide {uuid.uuid4().hex[:6]}"
    suspect = f"Fictional Suspect {uuid.uuid4().hex[:6]}"

    # The lead proposes, invites two agencies and sets the action day.
    _log_in(page, live_server, afp)
    page.get_by_role("link", name="Operations", exact=True).click()  # not "AFP operations analyst"
    expect(page.get_by_role("heading", name="Operations and programme")).to_be_visible()
    page.get_by_label("Body", exact=True).select_option(label="Virtual Global Taskforce")
    page.get_by_label("Code name", exact=True).fill(code_name)
    page.get_by_label("Title (participants only)").fill("A browser-driven joint operation")
    page.get_by_label("Let the rest of the body see the code name").check()
    page.get_by_role("button", name="Propose").click()
    expect(page.locator("#code-name")).to_have_text(code_name)
    operation_url = page.url
    for agency in ("National Crime Agency", "Homeland Security Investigations"):
        page.get_by_label("Invite an agency of the body").select_option(label=agency)
        page.get_by_role("button", name="Invite").click()
        expect(page.get_by_role("region", name="Participants")).to_contain_text(agency)
    page.get_by_label("Action day", exact=True).fill("Action day 1")
    page.get_by_label("Starts (UTC)").fill("2030-05-01T20:00")
    page.get_by_role("button", name="Set action day").click()
    page.get_by_label("Move to phase").select_option("active")
    page.get_by_role("button", name="Change phase").click()
    expect(page.locator("#phase")).to_have_text("active")
    _log_out(page)

    # Both agencies join; US HSI refers a suspect living in the UK to the NCA and reports.
    for agency in (nca, hsi):
        _log_in(page, live_server, agency)
        page.goto(operation_url)
        page.get_by_role("button", name="Accept and take part").click()
        expect(page.get_by_role("status")).to_contain_text("Your agency takes part")
        if agency is hsi:
            page.get_by_label("To the agency of the country concerned").select_option(
                label="National Crime Agency (United Kingdom)"
            )
            page.get_by_label("Subject's name or alias").fill(suspect)
            page.get_by_label("Selectors, one a line: email: …").fill(
                "email: browser.suspect@example.org"
            )
            page.get_by_label("Referral summary").fill(
                "Synthetic: subscriber data points to the UK."
            )
            page.get_by_role("button", name="Send referral").click()
            expect(page.get_by_role("status")).to_contain_text("Referral sent")
            page.get_by_label("Arrests", exact=True).fill("2")
            page.get_by_label("Devices seized", exact=True).fill("5")
            page.get_by_role("button", name="Report results").click()
            expect(page.locator("#total-arrests")).to_have_text("2")
        _log_out(page)

    # The NCA opens the referral (audited), acknowledges and concludes it, and reports.
    _log_in(page, live_server, nca)
    page.goto(operation_url)
    page.get_by_role("region", name="Referrals").get_by_role("link").first.click()
    expect(page.locator("#subject-name")).to_have_text(suspect)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#referral-status")).to_contain_text("acknowledged")
    page.get_by_label("Outcome", exact=True).select_option("arrested")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator("#referral-outcome")).to_contain_text("arrested")
    page.goto(operation_url)
    page.get_by_label("Arrests", exact=True).fill("3")
    page.get_by_label("Children safeguarded", exact=True).fill("1")
    page.get_by_role("button", name="Report results").click()
    expect(page.locator("#total-arrests")).to_have_text("5")
    _log_out(page)

    # The lead reads nothing of a referral between two others, and drafts the statement.
    _log_in(page, live_server, afp)
    page.goto(operation_url)
    expect(page.get_by_role("region", name="Referrals")).to_contain_text(
        "Your agency has sent or received no referral"
    )
    page.get_by_label("Move to phase").select_option("follow_up")
    page.get_by_role("button", name="Change phase").click()
    page.get_by_role("button", name="Draft the results statement").click()
    expect(page.locator("#statement-status")).to_contain_text("draft")
    _log_out(page)

    statement_id = _adopt_by_the_body(live_server, code_name)
    browser_login(page, live_server, "secretariat@demo.nohaven.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/statements/{statement_id}")
    page.on("dialog", lambda dialog: dialog.accept())  # "Publish this statement?"
    for signatory in ("Australian Federal Police", "National Crime Agency"):
        page.get_by_label(signatory, exact=True).check()
    page.get_by_role("button", name="Publish with the signatories chosen").click()
    page.get_by_role("link", name="public page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code_name)
    body = page.locator("main")
    expect(body).to_contain_text("Arrests: 5")
    expect(body).to_contain_text("Devices seized: 5")
    expect(body).not_to_contain_text(suspect)
    expect(body).not_to_contain_text("browser.suspect")
