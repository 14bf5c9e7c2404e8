"""National-response maturity: an organisation's self-assessment of the 21 capabilities of the
Model National Response in four phases, with evidence. Private to the organisation unless it
shares it with a body; shared results are listed alphabetically and never ranked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, require
from nohaven.errors import Forbidden, InvalidInput, NotFound
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.members import service as members_service
from nohaven.members.models import Organisation
from nohaven.policy.models import MaturityAssessment, MaturityRating, MaturityShare
from nohaven.policy.schemas import MaturityRatingIn


@dataclass(frozen=True)
class Capability:
    number: int
    key: str
    name: str
    domain: str


@dataclass(frozen=True)
class Phase:
    phase: int
    name: str
    description: str


@cache
def _model() -> dict[str, object]:
    text = resources.files("nohaven.policy").joinpath("data", "mnr-capabilities.json").read_text()
    raw: dict[str, object] = json.loads(text)
    return raw


@cache
def capabilities() -> tuple[Capability, ...]:
    domains = _model()["domains"]
    if not isinstance(domains, list):
        raise TypeError("mnr-capabilities.json: 'domains' must be a list")
    return tuple(
        Capability(number=c["number"], key=c["key"], name=c["name"], domain=d["name"])
        for d in domains
        for c in d["capabilities"]
    )


@cache
def phases() -> tuple[Phase, ...]:
    raw = _model()["phases"]
    if not isinstance(raw, list):
        raise TypeError("mnr-capabilities.json: 'phases' must be a list")
    return tuple(Phase(**p) for p in raw)


def _load(session: Session, organisation_id: str) -> MaturityAssessment | None:
    return session.execute(
        select(MaturityAssessment)
        .options(selectinload(MaturityAssessment.ratings), selectinload(MaturityAssessment.shares))
        .where(MaturityAssessment.organisation_id == organisation_id)
    ).scalar_one_or_none()


def own(session: Session, *, actor: Actor) -> MaturityAssessment | None:
    """The actor's organisation's self-assessment, if it has one."""
    if actor.organisation_id is None:
        return None
    found = _load(session, actor.organisation_id)
    if found is not None:
        require(actor, Action.READ, found)
    return found


def get(session: Session, *, actor: Actor, organisation_id: str) -> MaturityAssessment:
    found = _load(session, organisation_id)
    # One answer for "none" and "not yours": privacy includes whether one exists.
    if found is None or not can(actor, Action.READ, found):
        raise NotFound(N_("No self-assessment you may see."))
    audit.record(
        session,
        actor=actor,
        action="policy.maturity.read",
        resource_type="policy_maturity",
        resource_id=found.id,
        organisation_id=found.organisation_id,
    )
    return found


def save(
    session: Session, *, actor: Actor, ratings: Sequence[MaturityRatingIn]
) -> MaturityAssessment:
    """Record phases and evidence for some or all capabilities of the actor's organisation."""
    if actor.organisation_id is None:
        raise InvalidInput(N_("Only a member organisation assesses its national response."))
    known = {c.key for c in capabilities()}
    unknown = [r.capability_key for r in ratings if r.capability_key not in known]
    if unknown:
        raise InvalidInput(
            "Unknown capabilities.",
            errors=[
                {"field": k, "message": "not a Model National Response capability"} for k in unknown
            ],
        )
    found = _load(session, actor.organisation_id)
    if found is None:
        org = session.get(Organisation, actor.organisation_id)
        found = MaturityAssessment(
            organisation_id=actor.organisation_id,
            country=org.country if org else None,
            updated_by=actor.label,
        )
        require(actor, Action.CREATE, found)
        session.add(found)
        session.flush()
        session.refresh(found, ["ratings", "shares"])
    require(actor, Action.UPDATE, found)
    by_key = {r.capability_key: r for r in found.ratings}
    now = utcnow()
    for r in ratings:
        row = by_key.get(r.capability_key)
        if row is None:
            found.ratings.append(
                MaturityRating(
                    capability_key=r.capability_key,
                    phase=r.phase,
                    evidence=r.evidence,
                    updated_at=now,
                )
            )
        elif (row.phase, row.evidence) != (r.phase, r.evidence):
            row.phase, row.evidence, row.updated_at = r.phase, r.evidence, now
    found.updated_at = now
    found.updated_by = actor.label
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="policy.maturity.save",
        resource_type="policy_maturity",
        resource_id=found.id,
        organisation_id=found.organisation_id,
        summary={"capabilities": len(ratings)},
    )
    return found


def share(session: Session, *, actor: Actor, body: str, shared: bool = True) -> MaturityAssessment:
    """Share the organisation's self-assessment with a body it sits in (or stop sharing)."""
    found = own(session, actor=actor)
    if found is None:
        raise NotFound(N_("Your organisation has no self-assessment yet."))
    require(actor, Action.MANAGE, found)
    target = members_service.get_body(session, actor=actor, body_id_or_slug=body)
    existing = next((s for s in found.shares if s.body_id == target.id), None)
    if shared and existing is None:
        if not actor.in_body(target.id):
            raise Forbidden(N_("Your organisation has no seat in that body."))
        found.shares.append(MaturityShare(body_id=target.id, shared_by=actor.label))
    elif not shared and existing is not None:
        found.shares.remove(existing)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="policy.maturity.share" if shared else "policy.maturity.unshare",
        resource_type="policy_maturity",
        resource_id=found.id,
        organisation_id=found.organisation_id,
        summary={"body_id": target.id},
    )
    return found


@dataclass
class SharedResult:
    organisation: Organisation
    assessment: MaturityAssessment


def shared_with_body(session: Session, *, actor: Actor, body: str) -> list[SharedResult]:
    """Self-assessments shared with a body, for its members: in alphabetical order of
    organisation, never ranked."""
    target = members_service.get_body(session, actor=actor, body_id_or_slug=body)
    require(actor, Action.LIST, MaturityAssessment)
    rows = session.execute(
        select(MaturityAssessment, Organisation)
        .join(MaturityShare, MaturityShare.assessment_id == MaturityAssessment.id)
        .join(Organisation, Organisation.id == MaturityAssessment.organisation_id)
        .options(selectinload(MaturityAssessment.ratings), selectinload(MaturityAssessment.shares))
        .where(MaturityShare.body_id == target.id)
    ).all()
    results = [
        SharedResult(organisation=org, assessment=a)
        for a, org in rows
        if can(actor, Action.READ, a)
    ]
    results.sort(key=lambda r: r.organisation.name.casefold())
    if results:
        audit.record(
            session,
            actor=actor,
            action="policy.maturity.read_shared",
            resource_type="policy_maturity",
            summary={"body_id": target.id, "count": len(results)},
        )
    return results
