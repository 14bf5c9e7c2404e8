"""Safe havens and gaps, progress over time, and the meeting report (page and PDF)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from nohaven.auth.deps import DbSession, WebActor
from nohaven.errors import InvalidInput, NohavenError
from nohaven.kit import i18n
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members_service
from nohaven.policy import charts, criteria, gaps, report
from nohaven.policy.regions import region_names
from nohaven.policy.views.inputs import error_page, parse_day
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


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
            as_of=parse_day(as_of),
            since=parse_day(since, "since"),
            region=region or None,
            sub_region=sub_region or None,
            body=body or None,
        )
    except NohavenError as exc:
        return error_page(request, exc)
    analysis = havens.analysis
    return render(
        request,
        "policy/gaps.html",
        {
            "title": _("Safe havens and gaps"),
            "havens": havens,
            "analysis": analysis,
            "failures": {c.key: analysis.failures(c.key) for c in analysis.criteria},
            "names": {c.key: criteria.name_of(c) for c in analysis.criteria},
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
        return error_page(request, exc)
    return render(
        request,
        "policy/progress.html",
        {
            "title": _("Progress over time"),
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
        as_of=parse_day(as_of),
        since=parse_day(since, "since"),
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
        return error_page(request, exc)
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
            "notice_text": _(report.ILLUSTRATIVE_NOTICE),
            "coverage": report.coverage(built),
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
    # The PDF's font (Helvetica) has no Arabic letters, and ReportLab neither joins nor
    # reorders right-to-left text: a right-to-left reader gets the PDF in English.
    language = i18n.current_language()
    with i18n.speaking(i18n.SOURCE_LANGUAGE if i18n.is_rtl(language) else language):
        try:
            built = _report(session, actor, body, as_of, since, region)
        except NohavenError as exc:
            return error_page(request, exc)
        document = report.pdf(built)
    name = f"gap-analysis-{built.as_of.isoformat()}.pdf"
    return Response(
        document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
