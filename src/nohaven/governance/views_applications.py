"""Pages for membership applications and the rotation of the chair."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import NohavenError
from nohaven.governance import applications as service
from nohaven.governance import body_rules
from nohaven.governance.bodies import body_by_ref
from nohaven.governance.forms import utc_from_form
from nohaven.governance.models import Majority, Motion
from nohaven.kit.clock import utcnow
from nohaven.kit.schemas import Day
from nohaven.members import service as members_service
from nohaven.members.models import Body, BodyKind, MembershipRole, Organisation, OrganisationKind
from nohaven.web.templating import render

router = APIRouter()


def _list_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    bodies = list(
        session.scalars(select(Body).where(Body.kind == BodyKind.ALLIANCE).order_by(Body.name))
    )
    org = session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
    eligibility = {
        b.id: service.ineligibility(session, body=b, organisation=org)
        if org
        else ["No organisation."]
        for b in bodies
    }
    return render(
        request,
        "governance/applications.html",
        {
            "title": "Membership applications",
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
    try:
        application = service.apply(session, actor=actor, body_id=body_id, letter=letter)
    except NohavenError as exc:
        session.rollback()
        return _list_page(request, session, actor, error=exc.detail, status_code=exc.status_code)
    return RedirectResponse(f"/applications/{application.id}", status_code=303)


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
    motion = session.scalar(select(Motion).where(Motion.application_id == application.id))
    return render(
        request,
        "governance/application.html",
        {
            "title": "Application",
            "application": application,
            "organisation": session.get(Organisation, application.organisation_id),
            "body": session.get(Body, application.body_id),
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
    try:
        motion = service.put_to_vote(
            session,
            actor=actor,
            application_id=application_id,
            closes_at=utc_from_form(closes_at, "closes_at"),
        )
    except NohavenError as exc:
        session.rollback()
        return _page(
            request, session, actor, application_id, error=exc.detail, status_code=exc.status_code
        )
    return RedirectResponse(f"/motions/{motion.id}", status_code=303)


@router.post("/applications/{application_id}/refuse")
def refuse(
    request: Request,
    session: DbSession,
    actor: WebActor,
    application_id: str,
    reasons: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    try:
        service.refuse(session, actor=actor, application_id=application_id, reasons=reasons)
    except NohavenError as exc:
        session.rollback()
        return _page(
            request, session, actor, application_id, error=exc.detail, status_code=exc.status_code
        )
    return _page(request, session, actor, application_id, notice="The application was refused.")


def _officers_page(
    request: Request,
    session: Session,
    actor: Actor,
    slug: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    body = body_by_ref(session, slug)
    seats = members_service.seats_of_body(session, body_id=body.id, on=utcnow().date())
    return render(
        request,
        "governance/officers.html",
        {
            "title": f"Chair and vice-chair — {body.name}",
            "body": body,
            "history": service.office_history(session, body_id=body.id),
            "members": [m for m in seats if m.role == MembershipRole.MEMBER],
            "may_hand_over": actor.is_secretariat,
            "rules": body_rules.settings_of(session, body.id),
            "kinds": list(OrganisationKind),
            "majorities": list(Majority),
            "today": utcnow().date(),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/governance/bodies/{slug}/officers")
def officers(request: Request, session: DbSession, actor: WebActor, slug: str) -> Response:
    return _officers_page(request, session, actor, slug)


@router.post("/governance/bodies/{slug}/officers")
def hand_over(
    request: Request,
    session: DbSession,
    actor: WebActor,
    slug: str,
    to_organisation_id: Annotated[str, Form(max_length=32)],
    role: Annotated[str, Form(max_length=20)] = "chair",
    on: Annotated[Day | None, Form()] = None,
) -> Response:
    body = body_by_ref(session, slug)
    try:
        service.hand_over(
            session,
            actor=actor,
            body_id=body.id,
            to_organisation_id=to_organisation_id,
            on=on,
            role=MembershipRole(role) if role in {"chair", "vice_chair"} else MembershipRole.MEMBER,
        )
    except NohavenError as exc:
        session.rollback()
        return _officers_page(
            request, session, actor, slug, error=exc.detail, status_code=exc.status_code
        )
    return _officers_page(request, session, actor, slug, notice="Handed over.")


@router.post("/governance/bodies/{slug}/settings")
def update_rules(
    request: Request,
    session: DbSession,
    actor: WebActor,
    slug: str,
    quorum_percent: Annotated[int, Form(ge=0, le=100)],
    majority: Annotated[str, Form(max_length=20)],
    eligible_kinds: Annotated[list[str] | None, Form()] = None,
    requires_alliance_membership: Annotated[bool, Form()] = False,
) -> Response:
    body = body_by_ref(session, slug)
    try:
        body_rules.update_settings(
            session,
            actor=actor,
            body_id=body.id,
            quorum_percent=quorum_percent,
            majority=majority,
            eligible_kinds=[k for k in eligible_kinds or [] if k in set(OrganisationKind)],
            requires_alliance_membership=requires_alliance_membership,
        )
    except NohavenError as exc:
        session.rollback()
        return _officers_page(
            request, session, actor, slug, error=exc.detail, status_code=exc.status_code
        )
    return _officers_page(request, session, actor, slug, notice="Rules saved.")
