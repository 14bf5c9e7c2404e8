"""One search over everything the person may see: organisations, bodies, meetings, motions,
statements, hash lists, hash entries by their hash, and countries. Each kind is asked of its
domain's service, which asks the policy; what the person may not see is simply not found."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.governance.bodies import service as bodies
from nohaven.governance.meetings import service as meetings
from nohaven.governance.meetings.models import Meeting
from nohaven.governance.motions import service as motions
from nohaven.governance.motions.models import Motion
from nohaven.governance.statements import service as statements
from nohaven.governance.statements.models import Statement
from nohaven.hashes import service as hashes
from nohaven.hashes.models import HashList
from nohaven.kit.i18n import N_, country_name
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members
from nohaven.members.models import Organisation

MIN_QUERY = 2
PER_KIND = 20


@dataclass(frozen=True)
class Found:
    kind: str
    title: str
    link: str
    detail: str = ""


def search(session: Session, *, actor: Actor, query: str) -> list[Found]:
    text = " ".join(query.split()).casefold()
    if len(text) < MIN_QUERY:
        return []
    found: list[Found] = []

    def hit(*fields: str | None) -> bool:
        return any(text in (f or "").casefold() for f in fields)

    if can(actor, Action.LIST, Organisation):
        orgs = [
            Found(N_("Organisation"), o.name, f"/organisations/{o.id}", o.short_name or "")
            for o in members.list_organisations(session, actor=actor)
            if hit(o.name, o.short_name)
        ]
        found += orgs[:PER_KIND]
    found += [
        Found(N_("Body"), e.body.name, f"/bodies/{e.body.slug}", _(e.body.kind.replace("_", " ")))
        for e in members.directory(session, actor=actor)
        if hit(e.body.name, e.body.slug)
    ][:PER_KIND]
    names = bodies.body_names(session)
    if can(actor, Action.LIST, Meeting):
        found += [
            Found(N_("Meeting"), m.title, f"/meetings/{m.id}", names.get(m.body_id, ""))
            for m in meetings.list_meetings(session, actor=actor)
            if hit(m.title, m.location)
        ][:PER_KIND]
    if can(actor, Action.LIST, Motion):
        found += [
            Found(N_("Motion"), m.title, f"/motions/{m.id}", names.get(m.body_id, ""))
            for m in motions.list_motions(session, actor=actor)
            if hit(m.title, m.text)
        ][:PER_KIND]
    if can(actor, Action.LIST, Statement):
        found += [
            Found(N_("Statement"), s.title, f"/statements/{s.id}", names.get(s.body_id, ""))
            for s in statements.list_statements(session, actor=actor)
            if hit(s.title)
        ][:PER_KIND]
    if can(actor, Action.LIST, HashList):
        visible = hashes.visible_lists(session, actor=actor)
        found += [
            Found(N_("Hash list"), h.name, f"/hash-lists/{h.id}", h.tlp)
            for h in visible
            if hit(h.name, h.description)
        ][:PER_KIND]
        by_id = {h.id: h for h in visible}
        found += [
            Found(
                N_("Hash entry"),
                f"{e.signal_type} {e.value[:16]}…",
                f"/hash-entries/{e.id}",
                by_id[e.list_id].name if e.list_id in by_id else "",
            )
            for e in hashes.entries_with_hash(session, actor=actor, value=text)
        ][:PER_KIND]
    found += [
        Found(
            N_("Country"),
            country_name(c.alpha_2),
            f"/policy/countries/{c.alpha_2}",
        )
        for c in pycountry.countries
        if hit(getattr(c, "common_name", None), c.name, country_name(c.alpha_2))
        or text == c.alpha_2.casefold()
    ][:PER_KIND]
    return found
