"""Statistics for the secretariat: counts per body and per organisation, never tokens."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.deconfliction import quotas
from nohaven.deconfliction.models import HitParty, QuotaBucket, RatioFlag, Registration
from nohaven.kit.clock import utcnow
from nohaven.members import service as members_service
from nohaven.members.models import Organisation


@dataclass
class Figures:
    registrations: int = 0
    hits: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class BodyFigures:
    name: str
    organisations: int
    figures: Figures


@dataclass(frozen=True)
class OrganisationQuota:
    organisation: Organisation
    buckets: list[QuotaBucket]
    flags: list[RatioFlag]


def _per_organisation(session: Session) -> dict[str, Figures]:
    now = utcnow()
    out: dict[str, Figures] = {}
    for org, n in session.execute(
        select(Registration.organisation_id, func.count())
        .where(Registration.expires_at > now)
        .group_by(Registration.organisation_id)
    ).all():
        out.setdefault(org, Figures()).registrations = int(n)
    for org, outcome, n in session.execute(
        select(
            HitParty.organisation_id, HitParty.outcome, func.count(func.distinct(HitParty.hit_id))
        )
        .where(HitParty.counterparts_notified > 0)
        .group_by(HitParty.organisation_id, HitParty.outcome)
    ).all():
        figures = out.setdefault(org, Figures())
        figures.hits += int(n)
        figures.outcomes[outcome or "open"] += int(n)
    return out


def body_statistics(session: Session, *, actor: Actor) -> list[BodyFigures]:
    """Active registrations, hits and outcomes summed over each body's current members."""
    require(actor, Action.READ, QuotaBucket)
    per_org = _per_organisation(session)
    today = utcnow().date()
    rows = []
    for body in members_service.list_bodies(session, actor=actor):
        orgs = {
            m.organisation_id
            for m in members_service.seats_of_body(session, body_id=body.id, on=today)
        }
        total = Figures()
        for org in orgs:
            figures = per_org.get(org)
            if figures:
                total.registrations += figures.registrations
                total.hits += figures.hits
                total.outcomes.update(figures.outcomes)
        rows.append(BodyFigures(name=body.name, organisations=len(orgs), figures=total))
    audit.record(
        session,
        actor=actor,
        action="deconfliction.stats.read",
        resource_type="deconfliction_stats",
        summary={"bodies": len(rows)},
    )
    return rows


def quota_overview(session: Session, *, actor: Actor) -> list[OrganisationQuota]:
    require(actor, Action.LIST, QuotaBucket)
    buckets = quotas.buckets(session)
    flags = session.execute(select(RatioFlag).order_by(RatioFlag.created_at.desc())).scalars().all()
    org_ids = {b.organisation_id for b in buckets} | {f.organisation_id for f in flags}
    orgs = session.execute(
        select(Organisation).where(Organisation.id.in_(org_ids)).order_by(Organisation.name)
    ).scalars()
    return [
        OrganisationQuota(
            organisation=org,
            buckets=[b for b in buckets if b.organisation_id == org.id],
            flags=[f for f in flags if f.organisation_id == org.id],
        )
        for org in orgs
    ]
