"""Jurisdiction-aware export: a list written for a destination country holds only the
classifications the secretariat's rules allow there (a country without rules receives the
INTERPOL baseline category: material illegal in every country), and a report says what was
left out and why. An entry classified in another scheme goes when the cross-walk maps it
exactly onto an allowed category; an ambiguous mapping is not enough."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

import pycountry
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import InvalidInput
from nohaven.hashes import classification, exchange
from nohaven.hashes.models import ExportRule, HashEntry

BASELINE: frozenset[tuple[str, str]] = frozenset({("interpol", "baseline")})


def _country(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code.upper())
    if found is None:
        raise InvalidInput(f"{code!r} is not an ISO 3166 country code.")
    return str(found.alpha_2)


def allowed_for(session: Session, country: str) -> frozenset[tuple[str, str]]:
    rows = session.execute(
        select(ExportRule.classification_scheme, ExportRule.classification).where(
            ExportRule.country == _country(country)
        )
    ).all()
    return frozenset((r[0], r[1]) for r in rows) or BASELINE


def set_rules(
    session: Session, *, actor: Actor, country: str, codes: Sequence[str]
) -> frozenset[tuple[str, str]]:
    """Replace the categories ``country`` may receive (``scheme:code`` each)."""
    require(actor, Action.UPDATE, ExportRule)
    country = _country(country)
    wanted = set()
    for code in codes:
        scheme, _, value = code.partition(":")
        if value not in classification.SCHEMES.get(scheme, ()):
            raise InvalidInput(f"{code!r} is not a classification (scheme:code).")
        wanted.add((scheme, value))
    session.execute(delete(ExportRule).where(ExportRule.country == country))
    session.add_all(
        ExportRule(
            country=country,
            classification_scheme=scheme,
            classification=value,
            created_by_id=actor.user_id,
        )
        for scheme, value in sorted(wanted)
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="hashes.export_rules",
        resource_type="hash_export_rule",
        resource_id=country,
        summary={"country": country, "allowed": sorted(f"{s}:{c}" for s, c in wanted)},
    )
    return frozenset(wanted) or BASELINE


def verdict(entry: HashEntry, allowed: frozenset[tuple[str, str]]) -> str | None:
    """None when the entry may go; else why it stays."""
    return category_verdict(entry.classification_scheme, entry.classification, allowed)


def category_verdict(
    scheme: str | None, code: str | None, allowed: frozenset[tuple[str, str]]
) -> str | None:
    """None when an entry of this classification may go; else why it stays."""
    if scheme is None or code is None:
        return "unclassified"
    if (scheme, code) in allowed:
        return None
    for mapping in classification.crosswalk(scheme, code):
        if mapping.status == "exact" and (mapping.scheme, mapping.codes[0]) in allowed:
            return None
    return f"{scheme}:{code} is not allowed there"


@dataclass
class ExportReport:
    country: str
    allowed: list[str]
    written: int = 0
    left_out: Counter[str] = field(default_factory=Counter)


def export_for(
    session: Session, *, actor: Actor, list_id: str, country: str, fmt: str, out: IO[str]
) -> ExportReport:
    allowed = allowed_for(session, country)
    report = ExportReport(_country(country), sorted(f"{s}:{c}" for s, c in allowed))

    def keep(entry: HashEntry) -> bool:
        why = verdict(entry, allowed)
        if why is not None:
            report.left_out[why] += 1
        return why is None

    report.written = exchange.export_file(
        session, actor=actor, list_id=list_id, fmt=fmt, out=out, keep=keep
    )
    audit.record(
        session,
        actor=actor,
        action="hashes.export_for_country",
        resource_type="hash_list",
        resource_id=list_id,
        summary={
            "country": report.country,
            "written": report.written,
            "left_out": dict(report.left_out),
        },
    )
    return report
