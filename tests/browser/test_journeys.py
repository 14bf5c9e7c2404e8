"""Each role's main journey through the demo, on a phone (375 px) and a desktop (1,280 px):
every page visited passes axe-core with no serious or critical violation and scrolls sideways
at neither width. One browser context serves the module (cookies cleared between roles);
each page is loaded once and checked at both widths by resizing the window."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from nohaven.members.demo import DEMO_PASSWORD
from tests.browser.checks import check_page, with_axe
from tests.browser.conftest import LiveServer

PHONE, DESKTOP = 375, 1280
HEIGHT = 900

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    shared = browser.new_context(viewport={"width": DESKTOP, "height": HEIGHT})
    shared.set_default_timeout(15000)
    with_axe(shared)
    yield shared
    shared.close()


@pytest.fixture
def tab(context: BrowserContext) -> Iterator[Page]:
    context.clear_cookies()
    opened = context.new_page()
    yield opened
    opened.close()


def both_widths(page: Page, where: str, *, desktop_axe: bool = False) -> None:
    """Checks the page as it is at the desktop width, then at the phone width, and leaves the
    window at the desktop width. axe-core runs on every page at the phone width, where the
    layout is tightest (a table turns into a scrolling region, the menu folds); the markup and
    colours are the same at both widths, so at the desktop width it runs where the layout adds
    something of its own (``desktop_axe``: the unfolded menu on each role's dashboard, the
    map). Sideways scroll is checked at both widths everywhere. This keeps the suite fast."""
    check_page(page, where, axe=desktop_axe)
    page.set_viewport_size({"width": PHONE, "height": HEIGHT})
    check_page(page, where)
    page.set_viewport_size({"width": DESKTOP, "height": HEIGHT})


def visit(page: Page, server: LiveServer, path: str) -> None:
    page.goto(server.url + path)
    both_widths(page, path)


def follow(page: Page, name: str) -> None:
    """Uses the main menu as a person would, and checks where it leads."""
    page.locator("#main-nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
    both_widths(page, name)


def first_link(page: Page, selector: str) -> None:
    page.locator(selector).first.click()
    page.wait_for_load_state()
    both_widths(page, page.url)


def log_in(page: Page, server: LiveServer, email: str) -> None:
    """Logs in through the pages (checked too); an account whose organisation requires a
    second factor enrols one on the way, as a new user does."""
    page.goto(server.url + "/login")
    both_widths(page, "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/account/totp" in page.url:
        both_widths(page, "second-factor enrolment")
        secret = page.locator("#totp-secret").inner_text().strip()
        page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on").click()
        expect(page.locator("#recovery-codes li")).to_have_count(10)
        both_widths(page, "recovery codes")
        page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    both_widths(page, "dashboard", desktop_axe=True)


def test_secretariat_runs_the_alliance(tab: Page, live_server: LiveServer) -> None:
    log_in(tab, live_server, "secretariat@demo.nohaven.test")
    # The skip link moves focus, not only the view, to the content.
    tab.keyboard.press("Tab")
    expect(tab.locator("a.skip")).to_be_focused()
    tab.keyboard.press("Enter")
    expect(tab.locator("main#main")).to_be_focused()
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.getElementById('main').contains(document.activeElement)")

    follow(tab, "Organisations")
    first_link(tab, "main table a[href^='/organisations/']")
    follow(tab, "Directory")
    first_link(tab, "main a[href^='/bodies/']")
    follow(tab, "Meetings")
    first_link(tab, "main a[href^='/meetings/']")
    follow(tab, "Motions")
    follow(tab, "Applications")
    follow(tab, "Users")
    follow(tab, "Audit log")
    # On a phone the log scrolls inside its own box: a named region a keyboard can reach.
    tab.set_viewport_size({"width": PHONE, "height": HEIGHT})
    box = tab.get_by_role("region", name=re.compile(r"^Audit entries"))
    expect(box).to_have_attribute("tabindex", "0")
    tab.set_viewport_size({"width": DESKTOP, "height": HEIGHT})
    follow(tab, "Inbox")
    visit(tab, live_server, "/policy/report")


def test_delegate_votes_and_follows_the_gaps(tab: Page, live_server: LiveServer) -> None:
    log_in(tab, live_server, "delegate@ec.demo.nohaven.test")
    # On a phone the menu folds behind its button and opens on demand.
    tab.set_viewport_size({"width": PHONE, "height": HEIGHT})
    menu = tab.get_by_role("button", name="Menu")
    expect(tab.locator("#main-nav")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    tab.locator("#main-nav").get_by_role("link", name="Motions", exact=True).click()
    tab.wait_for_load_state()
    check_page(tab, "motions")
    tab.set_viewport_size({"width": DESKTOP, "height": HEIGHT})
    first_link(tab, "main a[href^='/motions/']")
    follow(tab, "Meetings")
    follow(tab, "Statements")
    follow(tab, "Progress")
    tab.locator("#main-nav").get_by_role("link", name="Legislative gaps", exact=True).click()
    tab.wait_for_load_state()
    both_widths(tab, "the map", desktop_axe=True)
    # The map's 184 shapes are no tab stops; its skip link leads to the country list.
    assert tab.locator("svg.worldmap a").count() >= 184
    assert tab.locator("svg.worldmap a:not([tabindex='-1'])").count() == 0
    tab.get_by_role("link", name="Skip the map: list of every country").focus()
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.closest('#all-countries') !== null")
    visit(tab, live_server, "/policy/countries/GB")


def test_org_admin_manages_the_organisation(tab: Page, live_server: LiveServer) -> None:
    log_in(tab, live_server, "admin@nca.demo.nohaven.test")
    follow(tab, "Users")
    follow(tab, "Organisations")
    follow(tab, "API tokens")
    visit(tab, live_server, "/account")


def test_analyst_investigates(tab: Page, live_server: LiveServer) -> None:
    log_in(tab, live_server, "analyst@nca.demo.nohaven.test")
    follow(tab, "Hash lists")
    first_link(tab, "main a[href^='/hash-lists/']")
    follow(tab, "Hash lookup")
    follow(tab, "Deconfliction")
    follow(tab, "Travel notifications")
    visit(tab, live_server, "/travel/new")  # the itinerary table scrolls in its own box
    follow(tab, "Operations")
    first_link(tab, "main a[href^='/operations/']")
    visit(tab, live_server, "/search?q=NCA")


def test_observer_and_visitor_read(tab: Page, live_server: LiveServer) -> None:
    for path in ("/public/bodies/vgt", "/public/bodies/vgt/contact"):
        visit(tab, live_server, path)
    log_in(tab, live_server, "observer@ecpat.demo.nohaven.test")
    follow(tab, "Directory")
    follow(tab, "Meetings")
    follow(tab, "Statements")
    follow(tab, "Legislative gaps")
