"""Pages for the mission statement, progress reporting, dashboards and the cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.governance.bodies.service import body_by_ref, my_bodies, voting_organisations
from nohaven.governance.progress import service
from nohaven.governance.progress import showcase as cases
from nohaven.governance.progress.models import ProgressStatus
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.kit.schemas import Count
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()


@router.get("/progress")
def progress_index(request: Request, session: DbSession, actor: WebActor) -> Response:
    return render(
        request,
        "governance/progress_index.html",
        {"title": _("Progress"), "bodies": service.bodies_with_mission(session, actor=actor)},
    )


def _body_page(
    request: Request,
    session: Session,
    actor: Actor,
    slug: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    body = body_by_ref(session, slug)
    board = service.dashboard(session, actor=actor, body_id=body.id)
    signed = {s.organisation_id for s in board.signatories}
    voters = voting_organisations(session, body.id, utcnow().date())
    return render(
        request,
        "governance/progress.html",
        {
            "title": _("Progress — %(body)s") % {"body": body.name},
            "body": body,
            "board": board,
            "statuses": list(ProgressStatus),
            "period": service.period_of(utcnow().date()),
            "may_sign": actor.organisation_id in voters and actor.organisation_id not in signed,
            "may_report": actor.organisation_id in signed,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/progress/{slug}")
def progress_page(request: Request, session: DbSession, actor: WebActor, slug: str) -> Response:
    return _body_page(request, session, actor, slug)


@router.post("/progress/{slug}/sign")
def sign(request: Request, session: DbSession, actor: WebActor, slug: str) -> Response:
    body = body_by_ref(session, slug)

    def run() -> Any:
        mission = service.mission_of(session, actor=actor, body_id=body.id)
        return service.sign(session, actor=actor, mission_id=mission.id)

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _body_page(
            request, session, actor, slug, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/progress/{slug}",
        flash=N_("Your organisation has signed."),
    )


@router.post("/progress/{slug}/reports")
def report(
    request: Request,
    session: DbSession,
    actor: WebActor,
    slug: str,
    commitment_number: Annotated[int, Form(ge=1, le=1000)],
    period: Annotated[str, Form(max_length=7)],
    status: Annotated[str, Form(max_length=20)],
    narrative: Annotated[str, Form(max_length=20000)] = "",
    evidence: Annotated[str, Form(max_length=11000)] = "",
) -> Response:
    body = body_by_ref(session, slug)

    def run() -> Any:
        return service.report_progress(
            session,
            actor=actor,
            body_id=body.id,
            commitment_number=commitment_number,
            period=period.strip(),
            status=status,
            narrative=narrative,
            evidence=evidence.splitlines(),
        )

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _body_page(
            request, session, actor, slug, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/progress/{slug}",
        flash=N_("Progress reported."),
    )


@router.get("/progress/{slug}/members/{organisation_id}")
def member_progress(
    request: Request, session: DbSession, actor: WebActor, slug: str, organisation_id: str
) -> Response:
    body = body_by_ref(session, slug)
    board = service.dashboard(
        session, actor=actor, body_id=body.id, organisation_id=organisation_id
    )
    return render(
        request,
        "governance/progress_member.html",
        {
            "title": _("Progress of a member"),
            "body": body,
            "board": board,
            "name": service.organisation_name(session, organisation_id),
            "organisation_id": organisation_id,
            "history": service.history(
                session, actor=actor, body_id=body.id, organisation_id=organisation_id
            ),
        },
    )


def _showcase(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    commitment: int | None = None,
    capability: int | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    studies = cases.search_case_studies(
        session, actor=actor, query=q, commitment=commitment, capability=capability
    )
    return render(
        request,
        "governance/showcase.html",
        {
            "title": _("Showcase of good practice"),
            "studies": studies,
            "q": q,
            "commitment": commitment,
            "capability": capability,
            "capabilities": cases.CAPABILITIES,
            "bodies": my_bodies(session, actor),
            "names": {b.id: b.name for b in my_bodies(session, actor)},
            **extra,
        },
        status_code=status_code,
    )


@router.get("/showcase")
def showcase(
    request: Request,
    session: DbSession,
    actor: WebActor,
    q: str = "",
    commitment: str = "",
    capability: str = "",
) -> Response:
    return _showcase(
        request,
        session,
        actor,
        q=q[:200],
        commitment=int(commitment) if commitment.isdigit() else None,
        capability=int(capability) if capability.isdigit() else None,
    )


@router.post("/showcase")
def add_case_study(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body_id: Annotated[str, Form(max_length=32)],
    title: Annotated[str, Form(max_length=200)],
    text: Annotated[str, Form(max_length=50000)],
    commitments: Annotated[str, Form(max_length=200)] = "",
    capabilities: Annotated[list[Count] | None, Form()] = None,
    publish: Annotated[bool, Form()] = False,
) -> Response:
    def run() -> Any:
        numbers = [int(n) for n in commitments.replace(",", " ").split() if n.isdigit()]
        return cases.create_case_study(
            session,
            actor=actor,
            body_id=body_id,
            title=title,
            text=text,
            commitment_numbers=numbers,
            capabilities=capabilities or [],
            publish=publish,
        )

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _showcase(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/showcase",
        flash=N_("Case study saved."),
    )


@router.post("/showcase/{case_study_id}/publish")
def publish_case_study(
    request: Request, session: DbSession, actor: WebActor, case_study_id: str
) -> Response:
    def run() -> Any:
        return cases.publish_case_study(session, actor=actor, case_study_id=case_study_id)

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _showcase(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/showcase",
        flash=N_("Case study published."),
    )
