"""The world map of legislative gaps and each country's profile, where assessments are
written.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from markupsafe import Markup

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import InvalidInput, NohavenError, NotFound
from nohaven.kit.i18n import N_, country_name
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members_service
from nohaven.policy import gaps, service, worldmap
from nohaven.policy.models import Assessment, Status
from nohaven.policy.regions import countries
from nohaven.policy.rules import may_review
from nohaven.policy.schemas import AssessmentCreate
from nohaven.policy.views.inputs import error_page, parse_day
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


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
        analysis = gaps.analysis(session, actor=actor, as_of=parse_day(as_of))
        link = {"as_of": as_of} if as_of else None
        only = (
            gaps.body_countries(session, actor=actor, body=body, on=analysis.as_of)
            if body
            else None
        )
        svg = worldmap.render(analysis, criterion=criterion or None, link_query=link, only=only)
    except NohavenError as exc:
        return error_page(request, exc)
    results = list(analysis.results.values())
    return render(
        request,
        "policy/map.html",
        {
            "title": _("Legislative gaps"),
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
    analysis = gaps.analysis(session, actor=actor, as_of=parse_day(as_of))
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
    analysis = gaps.analysis(session, actor=actor, as_of=parse_day(as_of))
    snap = service.snapshot(session, at=gaps.end_of(analysis.as_of))
    history = service.approved_history(session, actor=actor, country=code)
    pending = service.pending(session, actor=actor, country=code)
    return render(
        request,
        "policy/country.html",
        {
            "title": country_name(country.code),
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
) -> Response:
    try:
        return _country_page(request, session, actor, code, as_of=as_of)
    except InvalidInput as exc:
        return error_page(request, exc)


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
    def create() -> None:
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

    return form_action(
        request,
        session,
        create,
        refused=lambda refusal: _country_page(
            request,
            session,
            actor,
            code,
            error=refusal.message_with_fields,
            status_code=refusal.status_code,
        ),
        redirect=f"/policy/countries/{quote(code.upper())}",
        flash=N_("Assessment saved."),
    )
