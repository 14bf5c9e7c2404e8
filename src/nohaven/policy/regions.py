"""Countries (ISO 3166 via pycountry) and their UN M49 region and sub-region (a data file)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str
    region: str
    sub_region: str


@cache
def _regions() -> dict[str, tuple[str, str]]:
    raw = json.loads(
        resources.files("nohaven.policy").joinpath("data", "regions-m49.json").read_text("utf-8")
    )
    out: dict[str, tuple[str, str]] = {}
    for region, subs in raw["regions"].items():
        for sub, codes in subs.items():
            for code in codes:
                out[code] = (region, sub)
    return out


@cache
def countries() -> dict[str, Country]:
    """Every ISO 3166-1 country, by alpha-2 code, in alphabetical order of name."""
    regions = _regions()
    found = []
    for c in pycountry.countries:
        name = str(getattr(c, "common_name", None) or c.name)
        region, sub = regions.get(c.alpha_2, ("", ""))
        found.append(Country(code=c.alpha_2, name=name, region=region, sub_region=sub))
    found.sort(key=lambda c: c.name)
    return {c.code: c for c in found}


def is_country(code: str) -> bool:
    return code in countries()


def name_of(code: str) -> str:
    found = countries().get(code)
    return found.name if found else code


def region_names() -> dict[str, list[str]]:
    """Region -> its sub-regions, sorted."""
    out: dict[str, set[str]] = {}
    for region, sub in _regions().values():
        out.setdefault(region, set()).add(sub)
    return {r: sorted(subs) for r, subs in sorted(out.items())}
