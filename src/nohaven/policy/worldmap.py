"""The world map, coloured on the server from the SVG shipped in the installed
`pygal_maps_world` package (country shapes keyed by ISO alpha-2 in lower case): no map tiles,
no scripts, renders offline. Each country links to its profile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from urllib.parse import urlencode

from nohaven.kit.i18n import N_, country_name
from nohaven.kit.i18n import gettext as _
from nohaven.policy.gaps import Analysis, CountryResult
from nohaven.policy.models import Status

_COUNTRY = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.S)

UNKNOWN_FILL = "#d4d4d4"
# Share of criteria met (weighted), low to high; colour-blind-safe from red-brown to teal.
SCORE_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.25, "#a6361c", N_("under 25 %")),
    (0.5, "#e08a2c", "25–49 %"),
    (0.75, "#e9d66b", "50–74 %"),
    (1.0, "#5fa8a0", "75–99 %"),
    (1.01, "#1f5f8b", "100 %"),
)
STATUS_FILL = {
    Status.MET.value: "#1f5f8b",
    Status.PARTIALLY_MET.value: "#e9d66b",
    Status.NOT_MET.value: "#a6361c",
    Status.UNKNOWN.value: UNKNOWN_FILL,
}


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str


@cache
def source_svg() -> str:
    return resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text("utf-8")


def score_fill(score: float | None) -> str:
    if score is None:
        return UNKNOWN_FILL
    for upper, colour, _label in SCORE_BANDS:
        if score < upper:
            return colour
    return SCORE_BANDS[-1][1]


def legend(criterion: str | None) -> list[LegendItem]:
    if criterion:
        return [LegendItem(c, _(s.replace("_", " "))) for s, c in STATUS_FILL.items()]
    return [LegendItem(UNKNOWN_FILL, _("not assessed"))] + [
        LegendItem(colour, _(label)) for _u, colour, label in SCORE_BANDS
    ]


def _describe(result: CountryResult, criterion: str | None) -> tuple[str, str]:
    if criterion:
        status = result.statuses[criterion]
        return STATUS_FILL[status], _(status.replace("_", " "))
    if result.score is None:
        return UNKNOWN_FILL, _("not assessed")
    met = result.counts["met"]
    total = len(result.statuses)
    return score_fill(result.score), _("%(met)s of %(total)s criteria met") % {
        "met": met,
        "total": total,
    }


OUTSIDE_FILL = "#f0f0f0"


def render(
    analysis: Analysis,
    *,
    criterion: str | None = None,
    link_query: dict[str, str] | None = None,
    only: set[str] | None = None,
) -> str:
    """The map as inline SVG markup; ``criterion`` colours by that one criterion's status;
    with ``only``, countries outside that set (e.g. not members of a body) are left pale."""
    if criterion:
        analysis.criterion(criterion)  # refuses an unknown key
    query = f"?{urlencode(link_query)}" if link_query else ""

    def colour(match: re.Match[str]) -> str:
        code = match.group(1).upper()
        result = analysis.results.get(code)
        if result is None:
            return match.group(0)
        if only is not None and code not in only:
            fill, text = OUTSIDE_FILL, _("outside the selection")
        else:
            fill, text = _describe(result, criterion)
        label = escape(f"{country_name(code)}: {text}")
        return (
            f'<a href="/policy/countries/{code}{escape(query)}" aria-label="{label}" '
            # a pointer's shortcut: the keyboard's path is the country list after the map, so
            # 184 shapes do not stand in the tab order before it
            'tabindex="-1">'
            f'<g class="{match.group(1)} country" data-country="{code}" fill="{fill}">'
            f"<title>{label}</title>{match.group(2)}</g></a>"
        )

    body = _COUNTRY.sub(colour, source_svg())
    return body.replace(
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1"',
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="worldmap" role="group" '
        f'aria-label="{escape(_("World map of legislative criteria met"))}" stroke="#ffffff" '
        'stroke-width="0.6"',
        1,
    )
