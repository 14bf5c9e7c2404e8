"""Pages for membership applications."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.governance.applications import service
from nohaven.governance.bodies.service import get_body
from nohaven.governance.forms import utc_from_form
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()


def _list_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    bodies = service.alliance_bodies(session)
    org = service.organisation_of(session, actor)
    eligibility = {
        b.id: service.ineligibility(session, body=b, organisation=org)
        if org
        else [_("No organisation.")]
        for b in bodies
    }
    return render(
        request,
        "governance/applications.html",
        {
            "title": _("Membership applications"),
            "applications": service.list_applications(session, actor=actor),
            "bodies": bodies,
            "names": {b.id: b.name for b in bodies},
            "eligibility": eligibility,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/applications")
def applications_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _list_page(request, session, actor)


@router.post("/applications")
def submit(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body_id: Annotated[str, Form(max_length=32)],
    letter: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    def run() -> Any:
        return service.apply(session, actor=actor, body_id=body_id, letter=letter)

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _list_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=lambda application: f"/applications/{application.id}",
        flash=N_("Application submitted."),
    )


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    application_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    application = service.get_application(session, actor=actor, application_id=application_id)
    motion = service.motion_of(session, actor=actor, application=application)
    return render(
        request,
        "governance/application.html",
        {
            "title": _("Application"),
            "application": application,
            "organisation": service.applicant(session, application),
            "body": get_body(session, application.body_id),
            "motion": motion,
            "may_manage": can(actor, Action.MANAGE, application),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/applications/{application_id}")
def application_page(
    request: Request, session: DbSession, actor: WebActor, application_id: str
) -> Response:
    return _page(request, session, actor, application_id)


@router.post("/applications/{application_id}/vote")
def put_to_vote(
    request: Request,
    session: DbSession,
    actor: WebActor,
    application_id: str,
    closes_at: Annotated[str, Form(max_length=40)],
) -> Response:
    def run() -> Any:
        return service.put_to_vote(
            session,
            actor=actor,
            application_id=application_id,
            closes_at=utc_from_form(closes_at, "closes_at"),
        )

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _page(
            request,
            session,
            actor,
            application_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=lambda motion: f"/motions/{motion.id}",
        flash=N_("The application is put to the members' vote."),
    )


@router.post("/applications/{application_id}/refuse")
def refuse(
    request: Request,
    session: DbSession,
    actor: WebActor,
    application_id: str,
    reasons: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    def run() -> Any:
        return service.refuse(session, actor=actor, application_id=application_id, reasons=reasons)

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _page(
            request,
            session,
            actor,
            application_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/applications/{application_id}",
        flash=N_("The application was refused."),
    )
