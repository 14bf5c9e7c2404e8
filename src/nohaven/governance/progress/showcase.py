"""The showcase of good practice: members' case studies, tagged by commitment and by the
capabilities of the WeProtect Model National Response, searchable by anyone signed in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance.bodies.service import voting_organisations
from nohaven.governance.progress import repository as repo
from nohaven.governance.progress.models import (
    CaseStudy,
)
from nohaven.governance.progress.service import commitments
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_

# WeProtect Model National Response: 21 capabilities in 6 domains (DOMAIN.md, reconstructed),
# marked for the catalogue: pages show them translated.
CAPABILITIES: dict[int, tuple[str, str]] = {
    1: (N_("Policy and governance"), N_("Leadership")),
    2: (N_("Policy and governance"), N_("Research, analysis and monitoring")),
    3: (N_("Policy and governance"), N_("Legislation")),
    4: (N_("Criminal justice"), N_("Dedicated law enforcement")),
    5: (N_("Criminal justice"), N_("Judiciary and prosecutors")),
    6: (N_("Criminal justice"), N_("Offender management")),
    7: (N_("Criminal justice"), N_("Access to image databases")),
    8: (N_("Victim"), N_("End-to-end support")),
    9: (N_("Victim"), N_("Child protection workforce")),
    10: (N_("Victim"), N_("Compensation, remedies and complaints")),
    11: (N_("Victim"), N_("Child helpline")),
    12: (N_("Societal"), N_("Hotline for reporting abuse material")),
    13: (N_("Societal"), N_("Education programme")),
    14: (N_("Societal"), N_("Child participation")),
    15: (N_("Societal"), N_("Offender support systems")),
    16: (N_("Industry"), N_("Takedown procedures")),
    17: (N_("Industry"), N_("Reporting duty")),
    18: (N_("Industry"), N_("Innovative solution development")),
    19: (N_("Industry"), N_("Corporate social responsibility")),
    20: (N_("Media and communications"), N_("Ethical and informed media reporting")),
    21: (N_("Media and communications"), N_("Universal terminology")),
}


def create_case_study(
    session: Session,
    *,
    actor: Actor,
    body_id: str,
    title: str,
    text: str,
    commitment_numbers: list[int],
    capabilities: list[int],
    publish: bool = False,
) -> CaseStudy:
    if actor.organisation_id is None:
        raise Forbidden(N_("Case studies are published on behalf of an organisation."))
    study = CaseStudy(
        body_id=body_id,
        organisation_id=actor.organisation_id,
        title=title.strip(),
        text=text.strip(),
        commitments=sorted(set(commitment_numbers)),
        capabilities=sorted(set(capabilities)),
        published=publish,
    )
    require(actor, Action.CREATE, study)
    if actor.organisation_id not in voting_organisations(session, body_id, utcnow().date()):
        raise Forbidden(N_("Members of the body publish case studies in its showcase."))
    errors = []
    if not study.title:
        errors.append({"field": "title", "message": "required"})
    if not study.text:
        errors.append({"field": "text", "message": "required"})
    unknown_caps = set(study.capabilities) - set(CAPABILITIES)
    if unknown_caps:
        errors.append({"field": "capabilities", "message": "between 1 and 21"})
    mission = repo.mission_of_body(session, body_id)
    numbers = {c.number for c in commitments(session, mission=mission)} if mission else set()
    if set(study.commitments) - numbers:
        errors.append({"field": "commitments", "message": "unknown commitment number"})
    if errors:
        raise InvalidInput("Please correct the case study.", errors=errors)
    session.add(study)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="case_study.create",
        resource_type="case_study",
        resource_id=study.id,
        organisation_id=actor.organisation_id,
        summary={"published": publish, "capabilities": study.capabilities},
    )
    return study


def search_case_studies(
    session: Session,
    *,
    actor: Actor,
    query: str = "",
    commitment: int | None = None,
    capability: int | None = None,
    body_id: str | None = None,
) -> list[CaseStudy]:
    """Published case studies (and the actor's own drafts), filtered; tag filters run in Python
    because JSON containment differs between SQLite and PostgreSQL and the showcase is small."""
    require(actor, Action.LIST, CaseStudy)
    terms = [t for t in query.lower().split() if t][:8]
    found = repo.case_studies(
        session, organisation_id=actor.organisation_id or "", terms=terms, body_id=body_id
    )
    if commitment is not None:
        found = [s for s in found if commitment in s.commitments]
    if capability is not None:
        found = [s for s in found if capability in s.capabilities]
    return found


def publish_case_study(session: Session, *, actor: Actor, case_study_id: str) -> CaseStudy:
    study = session.get(CaseStudy, case_study_id)
    if study is None:
        raise NotFound(N_("No such case study."))
    require(actor, Action.UPDATE, study)
    if study.published:
        raise Conflict(N_("Already published."))
    study.published = True
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="case_study.publish",
        resource_type="case_study",
        resource_id=study.id,
        organisation_id=study.organisation_id,
    )
    return study
