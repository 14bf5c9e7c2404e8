"""A delegate opens the legislative-gaps map (demo data: illustrative assessments), sees the
countries coloured, clicks Kenya and reads its profile with its gaps and history."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from nohaven.members.demo import DEMO_PASSWORD
from nohaven.policy import worldmap
from tests.browser.conftest import LiveServer, browser_login

pytestmark = pytest.mark.browser


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _pixels_near(image: Image.Image, colour: str) -> int:
    """How many pixels of the screenshot are (within anti-aliasing) of one colour."""
    pixels = np.asarray(image, dtype=np.int16)
    target = np.array(_rgb(colour), dtype=np.int16)
    return int((np.abs(pixels - target).max(axis=2) <= 6).sum())


def test_map_shows_coloured_countries_and_opens_a_profile(
    page: Page, live_server: LiveServer
) -> None:
    browser_login(page, live_server, "delegate@uk.demo.nohaven.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Legislative gaps").first.click()
    expect(page.get_by_role("heading", name="Legislative gaps", exact=True)).to_be_visible()
    expect(page.locator("#illustrative-banner")).to_contain_text("not legal advice")

    worldmap_svg = page.locator("svg.worldmap")
    expect(worldmap_svg).to_be_visible()
    shot = Image.open(io.BytesIO(worldmap_svg.screenshot())).convert("RGB")
    band_colours = {colour for _upper, colour, _label in worldmap.SCORE_BANDS}
    counts = {c: _pixels_near(shot, c) for c in (*band_colours, worldmap.UNKNOWN_FILL)}
    coloured = {c: n for c, n in counts.items() if c != worldmap.UNKNOWN_FILL and n > 50}
    # Several assessed countries in at least two different bands, and grey unassessed ones.
    assert len(coloured) >= 2, counts
    assert sum(coloured.values()) > 2000, counts
    assert counts[worldmap.UNKNOWN_FILL] > sum(coloured.values()), counts

    page.locator('svg.worldmap a[href="/policy/countries/KE"] path').first.click()
    expect(page).to_have_url(live_server.url + "/policy/countries/KE")
    expect(page.get_by_role("heading", name="Kenya")).to_be_visible()
    expect(page.locator("#gaps")).to_contain_text("sexual extortion")
    expect(page.locator("#history")).to_be_visible()
    expect(page.locator("#illustrative-banner")).to_be_visible()

    # As it stood before Kenya's later, illustrative reform: provider reporting failed then.
    page.goto(live_server.url + "/policy/countries/KE?as_of=2024-01-01")
    expect(page.locator("#core-failed")).to_contain_text("provider reporting")
