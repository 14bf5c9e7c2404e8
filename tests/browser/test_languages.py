"""Arabic reads right to left: the public page and the login page mirror, and nothing
spills sideways on a phone or a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveServer

# Where the main heading's text itself sits (the h1 box spans the whole line either way).
HEADING_TEXT = """(() => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector("main h1"));
  const box = range.getBoundingClientRect();
  return [box.left, box.right];
})()"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_arabic_mirrors_without_overflow(
    page: Page, live_server: LiveServer, width: int, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/public/bodies/vgt", "/public/bodies/vgt/contact", "/login"):
        page.goto(f"{live_server.url}{path}?lang=ar")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("document.documentElement.lang") == "ar"
        assert page.evaluate(OVERFLOW) <= 0, f"{path} spills sideways at {width}px"
        # Mirrored: the brand starts at the right edge, and text aligns to the right.
        brand = page.locator("header.top .brand").bounding_box()
        assert brand is not None
        assert brand["x"] + brand["width"] > width * 0.8, path
        left, right = page.evaluate(HEADING_TEXT)
        assert right > width * 0.8, path
        assert left > width - right - 1, f"{path}: the heading's text sits on the left"
        # Kept beside the test run, to look at when a layout change is in doubt.
        page.screenshot(path=tmp_path / f"ar-{width}{path.replace('/', '-')}.png")
    # The switcher brings the page back to English, left to right.
    page.get_by_role("link", name="English").click()
    assert page.evaluate("document.documentElement.dir") == "ltr"
    brand = page.locator("header.top .brand").bounding_box()
    assert brand is not None
    assert brand["x"] < width * 0.2
