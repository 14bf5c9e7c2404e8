"""Checks every browser test can run on the page it is on: axe-core's accessibility rules
(the npm package pinned in tests/peers/axe, installed by `npm ci`) with no serious or critical
violation, and no sideways scroll of the page itself."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

AXE_PEER = Path(__file__).parents[1] / "peers" / "axe"
AXE_SCRIPT = AXE_PEER / "node_modules" / "axe-core" / "axe.min.js"

# Impacts that fail a test; "minor" and "moderate" findings are left to review.
BLOCKING = ("serious", "critical")

# axe.run on the whole document; only violations come back (passes would be megabytes).
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""

# Resolves once the page has laid out and run its resize handlers (two animation frames).
SETTLED = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"

# The page itself scrolls sideways when its content is wider than the window.
PAGE_OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


@cache
def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        # Missing prerequisites fail, never skip (.ci/run installs it with npm ci).
        pytest.fail(f"axe-core is missing: run `npm ci` in {AXE_PEER}")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def with_axe(context: BrowserContext) -> None:
    """Every page the context opens from now on carries axe-core (injected before the page's
    own scripts, outside its Content-Security-Policy)."""
    context.add_init_script(script=axe_source())


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def check_page(page: Page, where: str = "", *, axe: bool = True) -> None:
    """The page is usable by everyone at the current width: no sideways scroll and (unless
    ``axe`` is False) no serious accessibility violation. ``where`` names the step in the
    failure message."""
    label = where or page.url
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.evaluate(SETTLED)
    overflow = page.evaluate(PAGE_OVERFLOW)
    assert overflow <= 0, f"{label} scrolls sideways by {overflow}px at {width}px"
    if not axe:
        return
    violations = axe_violations(page)
    assert not violations, f"{label} at {width}px: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )
