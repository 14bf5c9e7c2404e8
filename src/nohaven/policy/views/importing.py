"""The criteria framework (shown, downloaded, loaded) and assessments imported and
exported as CSV or JSON.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import NotFound
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import gettext as _
from nohaven.kit.i18n import ngettext
from nohaven.limits import body_limit
from nohaven.policy import criteria, exchange
from nohaven.policy.models import Framework
from nohaven.policy.views.inputs import parse_day, read_upload
from nohaven.web.forms import Refusal, form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _criteria_page(
    request: Request, session: DbSession, actor: WebActor, *, status_code: int = 200, **extra: Any
) -> Response:
    frameworks = criteria.list_frameworks(session, actor=actor)
    current = criteria.current(session)
    return render(
        request,
        "policy/criteria.html",
        {
            "title": _("Criteria framework"),
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
def load_criteria(
    request: Request, session: DbSession, actor: WebActor, file: Annotated[UploadFile, File()]
) -> Response:
    def load() -> tuple[Framework, bool]:
        text = read_upload(file)
        return criteria.load_framework(
            session, actor=actor, text=text, source=file.filename or "upload"
        )

    return form_action(
        request,
        session,
        load,
        refused=lambda refusal: _criteria_page(
            request,
            session,
            actor,
            error=refusal.message_with_fields,
            status_code=refusal.status_code,
        ),
        redirect="/policy/criteria",
        flash=lambda loaded: (
            _("Version %(version)s is now in force.") % {"version": loaded[0].version}
            if loaded[1]
            else _("The file is the same as the version in force; nothing changed.")
        ),
    )


@router.get("/policy/import")
def import_page(request: Request, actor: WebActor) -> Response:
    return render(request, "policy/import.html", {"title": _("Import assessments")})


@router.post("/policy/import")
@body_limit(6 * 1024 * 1024)  # the 5 MB files these accept, and a form
def import_post(
    request: Request,
    session: DbSession,
    actor: WebActor,
    file: Annotated[UploadFile, File()],
    submit: Annotated[str, Form()] = "",
) -> Response:
    name = (file.filename or "").lower()
    fmt = "json" if name.endswith(".json") else "csv"

    def refused(refusal: Refusal) -> Response:
        cause = refusal.cause
        rejected = cause.report.rejected if isinstance(cause, exchange.ImportRejected) else None
        return render(
            request,
            "policy/import.html",
            {"title": _("Import assessments"), "error": refusal.message, "rejected": rejected},
            status_code=422 if rejected is not None else refusal.status_code,
        )

    return form_action(
        request,
        session,
        lambda: exchange.import_assessments(
            session, actor=actor, text=read_upload(file), fmt=fmt, submit=bool(submit)
        ),
        refused=refused,
        redirect="/policy/review",
        flash=lambda result: (
            ngettext(
                "%(count)d assessment imported for review.",
                "%(count)d assessments imported for review.",
                result.created,
            )
            % {"count": result.created}
        ),
    )


@router.get("/policy/export.{fmt}")
def export(session: DbSession, actor: WebActor, fmt: str, as_of: str | None = None) -> Response:
    if fmt not in {"csv", "json"}:
        raise NotFound("Export as .csv or .json.")
    day = parse_day(as_of)
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
