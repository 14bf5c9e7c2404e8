"""Country assessments: drafting, the review workflow (draft → submitted → approved by a
second person of another organisation or the secretariat) and the approved history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, get_visible_or_404, require
from nohaven.errors import Conflict, InvalidInput
from nohaven.kit.clock import as_utc, utcnow
from nohaven.notifications import service as notifications
from nohaven.policy import criteria
from nohaven.policy.models import Assessment, ReviewState, Status
from nohaven.policy.regions import is_country, name_of
from nohaven.policy.schemas import AssessmentCreate, AssessmentUpdate

# (country, criterion key) -> the approved version in force.
Snapshot = dict[tuple[str, str], Assessment]


def _summary(a: Assessment) -> dict[str, object]:
    return {
        "country": a.country,
        "criterion": a.criterion_key,
        "status": a.status,
        "state": a.state,
    }


def validate(session: Session, data: AssessmentCreate) -> list[dict[str, str]]:
    """What is wrong with an assessment, field by field (empty when nothing is)."""
    problems = []
    if not is_country(data.country):
        problems.append({"field": "country", "message": f"{data.country!r} is no ISO 3166 code."})
    framework = criteria.in_force(session)
    if data.criterion_key not in {c.key for c in framework.criteria}:
        problems.append(
            {
                "field": "criterion_key",
                "message": f"{data.criterion_key!r} is not a criterion of framework "
                f"version {framework.version}.",
            }
        )
    return problems


def create_assessment(
    session: Session, *, actor: Actor, data: AssessmentCreate, illustrative: bool = False
) -> Assessment:
    if actor.organisation_id is None:
        raise InvalidInput("Only a member organisation's user can assess a country.")
    assessment = Assessment(
        country=data.country,
        criterion_key=data.criterion_key,
        status=data.status.value,
        citations=data.citations,
        evidence_url=data.evidence_url,
        note=data.note,
        illustrative=illustrative,
        state=ReviewState.DRAFT,
        organisation_id=actor.organisation_id,
        assessor_id=actor.user_id,
        assessor_label=actor.label,
    )
    require(actor, Action.CREATE, assessment)
    if problems := validate(session, data):
        raise InvalidInput("The assessment is not valid.", errors=problems)
    session.add(assessment)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="policy.assessment.create",
        resource_type="policy_assessment",
        resource_id=assessment.id,
        organisation_id=assessment.organisation_id,
        summary=_summary(assessment),
    )
    return assessment


def get_assessment(session: Session, *, actor: Actor, assessment_id: str) -> Assessment:
    return get_visible_or_404(session, actor, Assessment, assessment_id)


def update_assessment(
    session: Session, *, actor: Actor, assessment_id: str, data: AssessmentUpdate
) -> Assessment:
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    require(actor, Action.UPDATE, assessment)
    try:
        merged = AssessmentCreate(
            country=assessment.country,
            criterion_key=assessment.criterion_key,
            status=data.status or Status(assessment.status),
            citations=data.citations if data.citations is not None else assessment.citations,
            evidence_url=data.evidence_url
            if data.evidence_url is not None
            else assessment.evidence_url,
            note=data.note if data.note is not None else assessment.note,
        )
    except ValidationError as exc:
        raise InvalidInput(
            "The assessment is not valid.",
            errors=[{"field": str(e["loc"][-1]), "message": e["msg"]} for e in exc.errors()],
        ) from exc
    assessment.status = merged.status.value
    assessment.citations = merged.citations
    assessment.evidence_url = merged.evidence_url
    assessment.note = merged.note
    assessment.state = ReviewState.DRAFT
    assessment.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="policy.assessment.update",
        resource_type="policy_assessment",
        resource_id=assessment.id,
        organisation_id=assessment.organisation_id,
        summary=_summary(assessment),
    )
    return assessment


def submit_assessment(session: Session, *, actor: Actor, assessment_id: str) -> Assessment:
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    if assessment.state not in {ReviewState.DRAFT, ReviewState.REJECTED}:
        raise Conflict(f"This assessment is {assessment.state}; only a draft can be submitted.")
    require(actor, Action.UPDATE, assessment)
    assessment.state = ReviewState.SUBMITTED
    assessment.submitted_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="policy.assessment.submit",
        resource_type="policy_assessment",
        resource_id=assessment.id,
        organisation_id=assessment.organisation_id,
        summary=_summary(assessment),
    )
    return assessment


def _decide(
    session: Session, *, actor: Actor, assessment_id: str, approve: bool, note: str
) -> Assessment:
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    if assessment.state != ReviewState.SUBMITTED:
        raise Conflict(f"This assessment is {assessment.state}; only a submitted one is reviewed.")
    require(actor, Action.MANAGE, assessment)
    if not approve and not note.strip():
        raise InvalidInput(
            "Say why the assessment is sent back.",
            errors=[{"field": "note", "message": "A reason is required."}],
        )
    assessment.state = ReviewState.APPROVED if approve else ReviewState.REJECTED
    assessment.reviewer_id = actor.user_id
    assessment.reviewer_organisation_id = actor.organisation_id
    assessment.reviewer_label = actor.label
    assessment.decided_at = utcnow()
    assessment.review_note = note.strip()
    session.flush()
    verb = "approve" if approve else "reject"
    audit.record(
        session,
        actor=actor,
        action=f"policy.assessment.{verb}",
        resource_type="policy_assessment",
        resource_id=assessment.id,
        organisation_id=assessment.organisation_id,
        summary=_summary(assessment),
    )
    notifications.notify(
        session,
        actor=actor,
        organisation_id=assessment.organisation_id,
        kind=f"policy.assessment.{verb}d",
        title=f"Assessment of {name_of(assessment.country)} {verb}d",
        body="A reviewer decided on your organisation's legislative assessment.",
        link=f"/policy/countries/{assessment.country}",
    )
    return assessment


def approve_assessment(
    session: Session, *, actor: Actor, assessment_id: str, note: str = ""
) -> Assessment:
    return _decide(session, actor=actor, assessment_id=assessment_id, approve=True, note=note)


def reject_assessment(
    session: Session, *, actor: Actor, assessment_id: str, note: str
) -> Assessment:
    return _decide(session, actor=actor, assessment_id=assessment_id, approve=False, note=note)


def delete_draft(session: Session, *, actor: Actor, assessment_id: str) -> None:
    assessment = get_assessment(session, actor=actor, assessment_id=assessment_id)
    require(actor, Action.DELETE, assessment)
    audit.record(
        session,
        actor=actor,
        action="policy.assessment.delete",
        resource_type="policy_assessment",
        resource_id=assessment.id,
        organisation_id=assessment.organisation_id,
        summary=_summary(assessment),
    )
    session.delete(assessment)
    session.flush()


def pending(session: Session, *, actor: Actor, country: str | None = None) -> Sequence[Assessment]:
    """Drafts, submitted and sent-back versions the actor may read, oldest first."""
    require(actor, Action.LIST, Assessment)
    query = select(Assessment).where(Assessment.state != ReviewState.APPROVED)
    if country:
        query = query.where(Assessment.country == country)
    if not actor.is_secretariat:
        # Pre-filter in SQL (own organisation, or submitted by somebody else); the rule decides.
        query = query.where(
            or_(
                Assessment.organisation_id == actor.organisation_id,
                Assessment.state == ReviewState.SUBMITTED,
            )
        )
    rows = session.execute(query.order_by(Assessment.created_at)).scalars().all()
    return [a for a in rows if can(actor, Action.READ, a)]


def approved_history(
    session: Session, *, actor: Actor, country: str | None = None
) -> Sequence[Assessment]:
    """Every approved version, newest first."""
    require(actor, Action.LIST, Assessment)
    query = select(Assessment).where(Assessment.state == ReviewState.APPROVED)
    if country:
        query = query.where(Assessment.country == country)
    return session.execute(query.order_by(Assessment.decided_at.desc())).scalars().all()


def snapshot(session: Session, *, at: datetime | None = None) -> Snapshot:
    """The approved version of each (country, criterion) in force at ``at`` (now by default):
    the latest approved by then. Approved findings are open to every account."""
    ranked = select(
        Assessment.id,
        func.row_number()
        .over(
            partition_by=(Assessment.country, Assessment.criterion_key),
            order_by=(Assessment.decided_at.desc(), Assessment.id.desc()),
        )
        .label("rank"),
    ).where(Assessment.state == ReviewState.APPROVED)
    if at is not None:
        ranked = ranked.where(Assessment.decided_at <= at)
    latest = ranked.subquery()
    rows = session.execute(
        select(Assessment).join(latest, latest.c.id == Assessment.id).where(latest.c.rank == 1)
    ).scalars()
    return {(a.country, a.criterion_key): a for a in rows}


def approved_timeline(session: Session) -> list[tuple[datetime, str, str, str]]:
    """(approved at, country, criterion, status) of every approved version, oldest first: the
    light-weight history progress-over-time sweeps through."""
    rows = session.execute(
        select(
            Assessment.decided_at, Assessment.country, Assessment.criterion_key, Assessment.status
        )
        .where(Assessment.state == ReviewState.APPROVED)
        .order_by(Assessment.decided_at, Assessment.id)
    ).all()
    return [(as_utc(r[0]), r[1], r[2], r[3]) for r in rows if r[0] is not None]
