"""JSON API of the policy domain (mounted under /api/v1)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.db import SQL_INT_MAX
from nohaven.errors import InvalidInput, NotFound
from nohaven.kit.schemas import Day
from nohaven.limits import body_limit
from nohaven.members import service as members_service
from nohaven.policy import criteria, exchange, gaps, maturity, service
from nohaven.policy.gaps import CountryResult
from nohaven.policy.models import MaturityAssessment
from nohaven.policy.regions import countries
from nohaven.policy.schemas import (
    AssessmentCreate,
    AssessmentRead,
    AssessmentUpdate,
    CountryStatusRead,
    CriterionFailuresRead,
    FrameworkRead,
    ImportReport,
    MaturityRatingIn,
    MaturityRatingRead,
    MaturityRead,
    ProgressRead,
    ReviewDecision,
    SafeHavenChange,
    SafeHavensRead,
)
from nohaven.transactions import writes

router = APIRouter(tags=["policy"])


async def _request_body(request: Request) -> bytes:
    # Read on the event loop, before the session dependency takes a database slot, so the
    # endpoints that take it are plain ``def``s whose synchronous work runs in a worker thread.
    return await request.body()


RequestBody = Annotated[bytes, Depends(_request_body)]


def _country(r: CountryResult) -> CountryStatusRead:
    return CountryStatusRead(
        country=r.country.code,
        name=r.country.name,
        region=r.country.region,
        sub_region=r.country.sub_region,
        met=r.counts["met"],
        partially_met=r.counts["partially_met"],
        not_met=r.counts["not_met"],
        unknown=r.counts["unknown"],
        score=r.score,
        failed_core=r.failed_core,
        gaps=r.gaps,
    )


@router.get("/policy/criteria", response_model=FrameworkRead)
def get_criteria(
    session: DbSession,
    actor: ApiActor,
    version: Annotated[int | None, Query(ge=1, le=SQL_INT_MAX)] = None,
) -> FrameworkRead:
    return FrameworkRead.model_validate(
        criteria.get_framework(session, actor=actor, version=version)
    )


@router.post("/policy/criteria", response_model=FrameworkRead)
@body_limit(6 * 1024 * 1024)  # the 5 MB files these accept, and a form
def load_criteria(
    body: RequestBody, response: Response, session: DbSession, actor: ApiActor
) -> FrameworkRead:
    """Load a criteria file (the JSON document as the body); 201 when it is a new version."""
    text = body.decode("utf-8", errors="replace")
    framework, created = criteria.load_framework(session, actor=actor, text=text, source="api")
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return FrameworkRead.model_validate(framework)


@router.get("/policy/assessments", response_model=list[AssessmentRead])
def list_assessments(
    session: DbSession,
    actor: ApiActor,
    state: Literal["approved", "pending"] = "approved",
    country: str | None = None,
) -> list[AssessmentRead]:
    code = country.upper() if country else None
    found = (
        service.approved_history(session, actor=actor, country=code)
        if state == "approved"
        else service.pending(session, actor=actor, country=code)
    )
    return [AssessmentRead.model_validate(a) for a in found]


@router.post(
    "/policy/assessments", response_model=AssessmentRead, status_code=status.HTTP_201_CREATED
)
def create_assessment(
    data: AssessmentCreate, session: DbSession, actor: ApiActor
) -> AssessmentRead:
    return AssessmentRead.model_validate(service.create_assessment(session, actor=actor, data=data))


@router.get("/policy/assessments/{assessment_id}", response_model=AssessmentRead)
def get_assessment(assessment_id: str, session: DbSession, actor: ApiActor) -> AssessmentRead:
    return AssessmentRead.model_validate(
        service.get_assessment(session, actor=actor, assessment_id=assessment_id)
    )


@router.patch("/policy/assessments/{assessment_id}", response_model=AssessmentRead)
def update_assessment(
    assessment_id: str, data: AssessmentUpdate, session: DbSession, actor: ApiActor
) -> AssessmentRead:
    return AssessmentRead.model_validate(
        service.update_assessment(session, actor=actor, assessment_id=assessment_id, data=data)
    )


@router.post("/policy/assessments/{assessment_id}/submit", response_model=AssessmentRead)
def submit_assessment(assessment_id: str, session: DbSession, actor: ApiActor) -> AssessmentRead:
    return AssessmentRead.model_validate(
        service.submit_assessment(session, actor=actor, assessment_id=assessment_id)
    )


@router.post("/policy/assessments/{assessment_id}/approve", response_model=AssessmentRead)
def approve_assessment(
    assessment_id: str,
    session: DbSession,
    actor: ApiActor,
    decision: Annotated[ReviewDecision | None, Body()] = None,
) -> AssessmentRead:
    note = decision.note if decision else ""
    return AssessmentRead.model_validate(
        service.approve_assessment(session, actor=actor, assessment_id=assessment_id, note=note)
    )


@router.post("/policy/assessments/{assessment_id}/reject", response_model=AssessmentRead)
def reject_assessment(
    assessment_id: str, decision: ReviewDecision, session: DbSession, actor: ApiActor
) -> AssessmentRead:
    return AssessmentRead.model_validate(
        service.reject_assessment(
            session, actor=actor, assessment_id=assessment_id, note=decision.note
        )
    )


@router.get("/policy/countries", response_model=list[CountryStatusRead])
def list_countries(
    session: DbSession, actor: ApiActor, as_of: Day | None = None
) -> list[CountryStatusRead]:
    analysis = gaps.analysis(session, actor=actor, as_of=as_of)
    return [_country(r) for r in analysis.results.values()]


@router.get("/policy/countries/{code}", response_model=CountryStatusRead)
def get_country(
    code: str, session: DbSession, actor: ApiActor, as_of: Day | None = None
) -> CountryStatusRead:
    if code.upper() not in countries():
        raise InvalidInput(f"{code!r} is no ISO 3166 alpha-2 code.")
    analysis = gaps.analysis(session, actor=actor, as_of=as_of)
    return _country(analysis.results[code.upper()])


@router.get("/policy/criteria/{key}/failures", response_model=CriterionFailuresRead)
def criterion_failures(
    key: str, session: DbSession, actor: ApiActor, as_of: Day | None = None
) -> CriterionFailuresRead:
    analysis = gaps.analysis(session, actor=actor, as_of=as_of)
    found = analysis.failures(key)
    return CriterionFailuresRead(
        key=key,
        core=analysis.criterion(key).core,
        met=found["met"],
        partially_met=found["partially_met"],
        not_met=found["not_met"],
        unknown_count=len(found["unknown"]),
    )


@router.get("/policy/safe-havens", response_model=SafeHavensRead)
def safe_havens(
    session: DbSession,
    actor: ApiActor,
    as_of: Day | None = None,
    since: Day | None = None,
    region: str | None = None,
    sub_region: str | None = None,
    body: str | None = None,
) -> SafeHavensRead:
    found = gaps.safe_havens(
        session,
        actor=actor,
        as_of=as_of,
        since=since,
        region=region,
        sub_region=sub_region,
        body=body,
    )
    changes = [
        SafeHavenChange(country=r.country.code, name=r.country.name, change="new")
        for r in found.new
    ] + [
        SafeHavenChange(country=r.country.code, name=r.country.name, change="resolved")
        for r in found.resolved
    ]
    return SafeHavensRead(
        as_of=found.analysis.as_of,
        since=since,
        region=region,
        body=body,
        countries=[_country(r) for r in found.countries],
        changes=changes,
    )


@router.get("/policy/progress", response_model=ProgressRead)
def progress(session: DbSession, actor: ApiActor, first_year: int | None = None) -> ProgressRead:
    found = gaps.progress(session, actor=actor, first_year=first_year)
    return ProgressRead(years=found.years, criteria=found.met)


@router.get("/policy/export")
def export(
    session: DbSession,
    actor: ApiActor,
    format: Annotated[Literal["csv", "json"], Query()] = "json",
    as_of: Day | None = None,
) -> Response:
    rows = exchange.export_rows(session, actor=actor, as_of=as_of)
    if format == "csv":
        return Response(exchange.export_csv(rows), media_type="text/csv")
    return Response(exchange.export_json(rows, as_of), media_type="application/json")


@router.post("/policy/import", response_model=ImportReport, status_code=status.HTTP_201_CREATED)
@body_limit(6 * 1024 * 1024)  # the 5 MB files these accept, and a form
def import_assessments(
    raw: RequestBody,
    session: DbSession,
    actor: ApiActor,
    format: Annotated[Literal["csv", "json"], Query()] = "json",
    submit: bool = False,
) -> ImportReport:
    """Import rows as drafts (or submitted); 422 with every rejected row if any is invalid."""
    if len(raw) > 5 * 1024 * 1024:
        raise InvalidInput("The body is larger than 5 MB.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The body must be UTF-8 text.") from exc
    return exchange.import_assessments(session, actor=actor, text=text, fmt=format, submit=submit)


def _org_name(session: DbSession, actor: ApiActor, organisation_id: str) -> str:
    return members_service.get_organisation(
        session, actor=actor, organisation_id=organisation_id
    ).name


def _maturity(a: MaturityAssessment, name: str) -> MaturityRead:
    return MaturityRead(
        organisation_id=a.organisation_id,
        organisation_name=name,
        country=a.country,
        updated_at=a.updated_at,
        ratings=[
            MaturityRatingRead(capability_key=r.capability_key, phase=r.phase, evidence=r.evidence)
            for r in sorted(a.ratings, key=lambda r: r.capability_key)
        ],
        shared_with=a.shared_body_ids,
    )


@router.get("/policy/maturity", response_model=MaturityRead)
def own_maturity(session: DbSession, actor: ApiActor) -> MaturityRead:
    found = maturity.own(session, actor=actor)
    if found is None:
        raise NotFound("Your organisation has no self-assessment yet.")
    return _maturity(found, _org_name(session, actor, found.organisation_id))


@router.put("/policy/maturity", response_model=MaturityRead)
def save_maturity(
    ratings: list[MaturityRatingIn], session: DbSession, actor: ApiActor
) -> MaturityRead:
    saved = maturity.save(session, actor=actor, ratings=ratings)
    return _maturity(saved, _org_name(session, actor, saved.organisation_id))


@router.post("/policy/maturity/shares/{body}", response_model=MaturityRead)
def share_maturity(body: str, session: DbSession, actor: ApiActor) -> MaturityRead:
    found = maturity.share(session, actor=actor, body=body)
    return _maturity(found, _org_name(session, actor, found.organisation_id))


@router.delete("/policy/maturity/shares/{body}", response_model=MaturityRead)
def unshare_maturity(body: str, session: DbSession, actor: ApiActor) -> MaturityRead:
    found = maturity.share(session, actor=actor, body=body, shared=False)
    return _maturity(found, _org_name(session, actor, found.organisation_id))


@router.get("/policy/maturity/bodies/{body}", response_model=list[MaturityRead])
@writes  # records an audited read
def shared_maturity(body: str, session: DbSession, actor: ApiActor) -> list[MaturityRead]:
    """Shared with a body: alphabetical by organisation, never ranked."""
    return [
        _maturity(r.assessment, r.organisation.name)
        for r in maturity.shared_with_body(session, actor=actor, body=body)
    ]


@router.get("/policy/maturity/{organisation_id}", response_model=MaturityRead)
@writes  # records an audited read
def get_maturity(organisation_id: str, session: DbSession, actor: ApiActor) -> MaturityRead:
    found = maturity.get(session, actor=actor, organisation_id=organisation_id)
    return _maturity(found, _org_name(session, actor, found.organisation_id))
