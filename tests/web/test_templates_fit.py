"""Every table of every page sits in a box that scrolls on its own (.table-wrap, or the table
component's .table-scroll), so a wide table never makes the page scroll sideways on a phone;
and no template carries a merge's conflict markers."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).parents[2] / "src" / "nohaven" / "web" / "templates"
# A table opens right after its box's opening tag (on the same line or the line before).
WRAPPED = re.compile(r'<div class="table-(?:wrap|scroll)"[^>]*>\s*<table[\s>]')
OPENED = re.compile(r"<table[\s>]")
CONFLICT = re.compile(r"^(<<<<<<<|=======|>>>>>>>)( |$)", re.M)


def test_every_table_scrolls_in_its_own_box() -> None:
    unwrapped = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if len(OPENED.findall(text)) != len(WRAPPED.findall(text)):
            unwrapped.append(str(path.relative_to(TEMPLATES)))
    assert not unwrapped, f"tables outside a .table-wrap box: {unwrapped}"


def test_no_template_carries_conflict_markers() -> None:
    marked = [
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if CONFLICT.search(p.read_text(encoding="utf-8"))
    ]
    assert not marked, marked
