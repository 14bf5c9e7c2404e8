"""Pages of the policy domain: the map, country profiles, review, gaps, progress, criteria,
import/export, the meeting report and national-response maturity."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import InvalidInput, NohavenError, NotFound
from nohaven.kit.clock import utcnow
from nohaven.limits import body_limit
from nohaven.members import service as members_service
from nohaven.policy import (
    charts,
    criteria,
    exchange,
    gaps,
    maturity,
    report,
    service,
    worldmap,
)
from nohaven.policy.models import Assessment, Framework, Status
from nohaven.policy.regions import countries, region_names
from nohaven.policy.rules import may_review
from nohaven.policy.schemas import AssessmentCreate, MaturityRatingIn
from nohaven.transactions import writes
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import validation_message
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

# (label, path) links this domain adds to the main navigation.
NAV: tuple[tuple[str, str], ...] = (("Legislative gaps", "/policy"),)

MAX_UPLOAD = 5 * 1024 * 1024


def _day(value: str | None, field: str = "as_of") -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(
            "Dates are written YYYY-MM-DD.", errors=[{"field": field, "message": "not a date"}]
        ) from exc


def _error_page(request: Request, exc: NohavenError) -> Response:
    return render(
        request,
        "policy/problem.html",
        {"title": exc.title, "error": exc.detail, "errors": exc.errors},
        status_code=exc.status_code,
    )


def _criterion_labels(framework: Framework) -> dict[str, str]:
    return {c.key: c.key.replace("_", " ") for c in framework.criteria}


# --- map and country profiles ---------------------------------------------------------------


@router.get("/policy")
def map_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    as_of: str | None = None,
    criterion: str | None = None,
    body: str | None = None,
) -> Response:
    try:
        analysis = gaps.analysis(session, actor=actor, as_of=_day(as_of))
        link = {"as_of": as_of} if as_of else None
        only = (
            gaps.body_countries(session, actor=actor, body=body, on=analysis.as_of)
            if body
            else None
        )
        svg = worldmap.render(analysis, criterion=criterion or None, link_query=link, only=only)
    except NohavenError as exc:
        return _error_page(request, exc)
    results = list(analysis.results.values())
    return render(
        request,
        "policy/map.html",
        {
            "title": "Legislative gaps",
            "analysis": analysis,
            "map_svg": Markup(svg),  # noqa: S704 - built from the package's SVG and escaped text
            "legend": worldmap.legend(criterion or None),
            "criterion": criterion or "",
            "as_of": as_of or "",
            "body": body or "",
            "bodies": members_service.list_bodies(session, actor=actor),
            "assessed": sum(1 for r in results if r.assessed),
            "havens": sorted((r for r in results if r.safe_haven), key=lambda r: r.country.name),
            "illustrative": analysis.illustrative,
        },
    )


@router.get("/policy/map.svg")
def map_svg(
    session: DbSession, actor: WebActor, as_of: str | None = None, criterion: str | None = None
) -> Response:
    analysis = gaps.analysis(session, actor=actor, as_of=_day(as_of))
    svg = worldmap.render(analysis, criterion=criterion or None)
    return Response(svg, media_type="image/svg+xml")


def _country_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    code: str,
    *,
    as_of: str | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    code = code.upper()
    country = countries().get(code)
    if country is None:
        raise NotFound("No such country.")
    analysis = gaps.analysis(session, actor=actor, as_of=_day(as_of))
    snap = service.snapshot(session, at=gaps.end_of(analysis.as_of))
    history = service.approved_history(session, actor=actor, country=code)
    pending = service.pending(session, actor=actor, country=code)
    return render(
        request,
        "policy/country.html",
        {
            "title": country.name,
            "country": country,
            "result": analysis.results[code],
            "analysis": analysis,
            "current": {c.key: snap.get((code, c.key)) for c in analysis.criteria},
            "history": history,
            "pending": pending,
            "may_review": {a.id: may_review(actor, a) for a in pending},
            "statuses": list(Status),
            "can_assess": can(actor, Action.CREATE, Assessment),
            "as_of": as_of or "",
            "illustrative": analysis.results[code].illustrative
            or any(a.illustrative for a in history),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/policy/countries/{code}")
def country_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    code: str,
    as_of: str | None = None,
    saved: str | None = None,
) -> Response:
    notice = "Assessment saved." if saved else None
    try:
        return _country_page(request, session, actor, code, as_of=as_of, notice=notice)
    except InvalidInput as exc:
        return _error_page(request, exc)


@router.post("/policy/countries/{code}/assessments")
def create_assessment(
    request: Request,
    session: DbSession,
    actor: WebActor,
    code: str,
    criterion_key: Annotated[str, Form()],
    status: Annotated[str, Form()],
    citations: Annotated[str, Form()] = "",
    evidence_url: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    submit: Annotated[str, Form()] = "",
) -> Response:
    try:
        data = AssessmentCreate.model_validate(
            {
                "country": code,
                "criterion_key": criterion_key,
                "status": status,
                "citations": citations.splitlines(),
                "evidence_url": evidence_url,
                "note": note,
            }
        )
        created = service.create_assessment(session, actor=actor, data=data)
        if submit:
            service.submit_assessment(session, actor=actor, assessment_id=created.id)
    except ValidationError as exc:
        session.rollback()
        return _country_page(
            request, session, actor, code, error=validation_message(exc), status_code=422
        )
    except NohavenError as exc:
        session.rollback()
        detail = exc.detail + "".join(f" {e['message']}" for e in exc.errors)
        return _country_page(
            request, session, actor, code, error=detail, status_code=exc.status_code
        )
    return RedirectResponse(f"/policy/countries/{code.upper()}?saved=1", status_code=303)


# --- review ---------------------------------------------------------------------------------


@router.get("/policy/review")
def review_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _review(request, session, actor)


def _review(
    request: Request, session: DbSession, actor: WebActor, *, status_code: int = 200, **extra: Any
) -> Response:
    pending = service.pending(session, actor=actor)
    return render(
        request,
        "policy/review.html",
        {
            "title": "Review of assessments",
            "pending": pending,
            "may_review": {a.id: may_review(actor, a) for a in pending},
            "may_edit": {a.id: can(actor, Action.UPDATE, a) for a in pending},
            **extra,
        },
        status_code=status_code,
    )


@router.post("/policy/assessments/{assessment_id}/{verb}")
def decide(
    request: Request,
    session: DbSession,
    actor: WebActor,
    assessment_id: str,
    verb: str,
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    try:
        if verb == "submit":
            service.submit_assessment(session, actor=actor, assessment_id=assessment_id)
        elif verb == "approve":
            service.approve_assessment(session, actor=actor, assessment_id=assessment_id, note=note)
        elif verb == "reject":
            service.reject_assessment(session, actor=actor, assessment_id=assessment_id, note=note)
        elif verb == "delete":
            service.delete_draft(session, actor=actor, assessment_id=assessment_id)
        else:
            raise NotFound("No such action.")
    except NohavenError as exc:
        session.rollback()
        return _review(request, session, actor, error=exc.detail, status_code=exc.status_code)
    target = back if back.startswith("/policy/") else "/policy/review"
    return RedirectResponse(target, status_code=303)


# --- gaps, progress, report -----------------------------------------------------------------


@router.get("/policy/gaps")
def gaps_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    as_of: str | None = None,
    since: str | None = None,
    region: str | None = None,
    sub_region: str | None = None,
    body: str | None = None,
) -> Response:
    try:
        havens = gaps.safe_havens(
            session,
            actor=actor,
            as_of=_day(as_of),
            since=_day(since, "since"),
            region=region or None,
            sub_region=sub_region or None,
            body=body or None,
        )
    except NohavenError as exc:
        return _error_page(request, exc)
    analysis = havens.analysis
    return render(
        request,
        "policy/gaps.html",
        {
            "title": "Safe havens and gaps",
            "havens": havens,
            "analysis": analysis,
            "failures": {c.key: analysis.failures(c.key) for c in analysis.criteria},
            "regions": region_names(),
            "bodies": members_service.list_bodies(session, actor=actor),
            "filters": {
                "as_of": as_of or "",
                "since": since or "",
                "region": region or "",
                "sub_region": sub_region or "",
                "body": body or "",
            },
            "illustrative": analysis.illustrative,
        },
    )


@router.get("/policy/progress")
def progress_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    criterion: str | None = None,
    first_year: int | None = None,
) -> Response:
    try:
        result = gaps.progress(session, actor=actor, first_year=first_year)
        keys = [c.key for c in result.criteria if c.core]
        if criterion:
            if criterion not in result.met:
                raise InvalidInput(f"{criterion!r} is not a criterion.")
            keys = [criterion]
    except NohavenError as exc:
        return _error_page(request, exc)
    return render(
        request,
        "policy/progress.html",
        {
            "title": "Progress over time",
            "progress": result,
            "chart": Markup(charts.progress_chart(result, keys)),  # noqa: S704 - escaped
            "criterion": criterion or "",
        },
    )


def _report(
    session: DbSession,
    actor: WebActor,
    body: str | None,
    as_of: str | None,
    since: str | None,
    region: str | None,
) -> report.GapReport:
    return report.build(
        session,
        actor=actor,
        body=body or None,
        as_of=_day(as_of),
        since=_day(since, "since"),
        region=region or None,
    )


@router.get("/policy/report")
def report_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body: str | None = None,
    as_of: str | None = None,
    since: str | None = None,
    region: str | None = None,
) -> Response:
    try:
        built = _report(session, actor, body, as_of, since, region)
    except NohavenError as exc:
        return _error_page(request, exc)
    query = "&".join(
        f"{k}={v}" for k, v in (("body", body), ("as_of", as_of), ("since", since)) if v
    )
    return render(
        request,
        "policy/report.html",
        {
            "title": built.title,
            "report": built,
            "pdf_link": "/policy/report.pdf" + (f"?{query}" if query else ""),
            "bodies": members_service.list_bodies(session, actor=actor),
            "body": body or "",
            "illustrative": built.illustrative,
            "notice_text": report.ILLUSTRATIVE_NOTICE,
        },
    )


@router.get("/policy/report.pdf")
def report_pdf(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body: str | None = None,
    as_of: str | None = None,
    since: str | None = None,
    region: str | None = None,
) -> Response:
    try:
        built = _report(session, actor, body, as_of, since, region)
    except NohavenError as exc:
        return _error_page(request, exc)
    name = f"gap-analysis-{built.as_of.isoformat()}.pdf"
    return Response(
        report.pdf(built),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


# --- criteria, import, export ---------------------------------------------------------------


async def _read_upload(upload: UploadFile) -> str:
    raw = await upload.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        raise InvalidInput("The file is larger than 5 MB.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The file must be UTF-8 text.") from exc


def _criteria_page(
    request: Request, session: DbSession, actor: WebActor, *, status_code: int = 200, **extra: Any
) -> Response:
    frameworks = criteria.list_frameworks(session, actor=actor)
    current = criteria.current(session)
    return render(
        request,
        "policy/criteria.html",
        {
            "title": "Criteria framework",
            "framework": current,
            "frameworks": frameworks,
            "can_load": can(actor, Action.CREATE, Framework),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/policy/criteria")
def criteria_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _criteria_page(request, session, actor)


@router.get("/policy/criteria.json")
def criteria_file(session: DbSession, actor: WebActor) -> Response:
    framework = criteria.get_framework(session, actor=actor)
    return Response(
        criteria.export_text(framework),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="criteria-v{framework.version}.json"'
        },
    )


@router.post("/policy/criteria")
@body_limit(6 * 1024 * 1024)  # the 5 MB files these accept, and a form
async def load_criteria(
    request: Request, session: DbSession, actor: WebActor, file: Annotated[UploadFile, File()]
) -> Response:
    try:
        text = await _read_upload(file)
        framework, created = criteria.load_framework(
            session, actor=actor, text=text, source=file.filename or "upload"
        )
    except NohavenError as exc:
        session.rollback()
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors)
        return _criteria_page(
            request,
            session,
            actor,
            error=f"{exc.detail} {problems}".strip(),
            status_code=exc.status_code,
        )
    notice = (
        f"Version {framework.version} is now in force."
        if created
        else "The file is the same as the version in force; nothing changed."
    )
    return _criteria_page(request, session, actor, notice=notice)


@router.get("/policy/import")
def import_page(request: Request, actor: WebActor) -> Response:
    return render(request, "policy/import.html", {"title": "Import assessments"})


@router.post("/policy/import")
@body_limit(6 * 1024 * 1024)  # the 5 MB files these accept, and a form
async def import_post(
    request: Request,
    session: DbSession,
    actor: WebActor,
    file: Annotated[UploadFile, File()],
    submit: Annotated[str, Form()] = "",
) -> Response:
    name = (file.filename or "").lower()
    fmt = "json" if name.endswith(".json") else "csv"
    try:
        text = await _read_upload(file)
        result = exchange.import_assessments(
            session, actor=actor, text=text, fmt=fmt, submit=bool(submit)
        )
    except exchange.ImportRejected as exc:
        session.rollback()
        return render(
            request,
            "policy/import.html",
            {"title": "Import assessments", "error": exc.detail, "rejected": exc.report.rejected},
            status_code=422,
        )
    except NohavenError as exc:
        session.rollback()
        return render(
            request,
            "policy/import.html",
            {"title": "Import assessments", "error": exc.detail},
            status_code=exc.status_code,
        )
    return render(
        request,
        "policy/import.html",
        {
            "title": "Import assessments",
            "notice": f"{result.created} assessment(s) imported for review.",
        },
    )


@router.get("/policy/export.{fmt}")
def export(session: DbSession, actor: WebActor, fmt: str, as_of: str | None = None) -> Response:
    if fmt not in {"csv", "json"}:
        raise NotFound("Export as .csv or .json.")
    day = _day(as_of)
    rows = exchange.export_rows(session, actor=actor, as_of=day)
    stamp = (day or utcnow().date()).isoformat()
    if fmt == "csv":
        body, media = exchange.export_csv(rows), "text/csv"
    else:
        body, media = exchange.export_json(rows, day), "application/json"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="assessments-{stamp}.{fmt}"'},
    )


# --- national-response maturity -------------------------------------------------------------


def _maturity_page(
    request: Request, session: DbSession, actor: WebActor, *, status_code: int = 200, **extra: Any
) -> Response:
    own = maturity.own(session, actor=actor)
    bodies = [b for b in members_service.list_bodies(session, actor=actor) if actor.in_body(b.id)]
    return render(
        request,
        "policy/maturity.html",
        {
            "title": "National-response maturity",
            "own": own,
            "ratings": {r.capability_key: r for r in own.ratings} if own else {},
            "shared": set(own.shared_body_ids) if own else set(),
            "capabilities": maturity.capabilities(),
            "phases": maturity.phases(),
            "bodies": bodies,
            "can_edit": own is None or can(actor, Action.UPDATE, own),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/policy/maturity")
def maturity_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _maturity_page(request, session, actor)


@router.post("/policy/maturity")
async def maturity_save(request: Request, session: DbSession, actor: WebActor) -> Response:
    form = await request.form()
    ratings = []
    try:
        for cap in maturity.capabilities():
            phase = str(form.get(f"phase_{cap.key}") or "")
            if not phase:
                continue
            if phase not in {"1", "2", "3", "4"}:
                raise InvalidInput(f"Choose a phase from 1 to 4 for {cap.name}.")
            evidence = str(form.get(f"evidence_{cap.key}") or "")
            ratings.append(
                MaturityRatingIn(capability_key=cap.key, phase=int(phase), evidence=evidence)
            )
        if not ratings:
            raise InvalidInput("Choose a phase for at least one capability.")
        maturity.save(session, actor=actor, ratings=ratings)
    except ValidationError:
        session.rollback()
        return _maturity_page(
            request, session, actor, error="Evidence is at most 5000 characters.", status_code=422
        )
    except NohavenError as exc:
        session.rollback()
        return _maturity_page(
            request, session, actor, error=exc.detail, status_code=exc.status_code
        )
    return _maturity_page(request, session, actor, notice="Self-assessment saved.")


@router.post("/policy/maturity/share")
def maturity_share(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body: Annotated[str, Form()],
    shared: Annotated[str, Form()] = "",
) -> Response:
    try:
        maturity.share(session, actor=actor, body=body, shared=shared == "true")
    except NohavenError as exc:
        session.rollback()
        return _maturity_page(
            request, session, actor, error=exc.detail, status_code=exc.status_code
        )
    return RedirectResponse("/policy/maturity", status_code=303)


@router.get("/policy/maturity/bodies/{slug}")
@writes  # records an audited read
def maturity_shared(request: Request, session: DbSession, actor: WebActor, slug: str) -> Response:
    found = members_service.get_body(session, actor=actor, body_id_or_slug=slug)
    results = maturity.shared_with_body(session, actor=actor, body=slug)
    return render(
        request,
        "policy/maturity_shared.html",
        {
            "title": f"Maturity shared with {found.name}",
            "body": found,
            "results": results,
            "ratings": {
                r.organisation.id: {x.capability_key: x for x in r.assessment.ratings}
                for r in results
            },
            "capabilities": maturity.capabilities(),
            "phases": {p.phase: p.name for p in maturity.phases()},
        },
    )
