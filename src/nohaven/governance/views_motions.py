"""Pages for motions and votes."""

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
from nohaven.governance import voting
from nohaven.governance.forms import utc_from_form
from nohaven.governance.models import Statement, StatementStatus
from nohaven.governance.rules import is_officer
from nohaven.kit.clock import utcnow
from nohaven.members.models import Body, Organisation
from nohaven.web.templating import render

router = APIRouter()


def my_bodies(session: Session, actor: Actor) -> list[Body]:
    query = select(Body).order_by(Body.name)
    if not actor.is_secretariat:
        query = query.where(Body.id.in_(list(actor.body_roles)))
    return list(session.scalars(query))


def _list_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    motions = voting.list_motions(session, actor=actor)
    now = utcnow()
    bodies = {b.id: b for b in my_bodies(session, actor)}
    officer_bodies = [b for b in bodies.values() if is_officer(actor, b.id)]
    drafts = list(
        session.scalars(
            select(Statement).where(
                Statement.status == StatementStatus.DRAFT,
                Statement.body_id.in_([b.id for b in officer_bodies]),
            )
        )
    )
    return render(
        request,
        "governance/motions.html",
        {
            "title": "Motions",
            "open": [m for m in motions if m.is_open(now)],
            "upcoming": [m for m in motions if m.closed_at is None and m.opens_at > now],
            "closed": [m for m in motions if m.closed_at is not None],
            "bodies": bodies,
            "officer_bodies": officer_bodies,
            "drafts": drafts,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/motions")
def motions_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _list_page(request, session, actor)


@router.post("/motions")
def table_motion(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body_id: Annotated[str, Form(max_length=32)],
    title: Annotated[str, Form(max_length=200)],
    closes_at: Annotated[str, Form(max_length=40)],
    text: Annotated[str, Form(max_length=20000)] = "",
    options: Annotated[str, Form(max_length=1000)] = "",
    secret: Annotated[bool, Form()] = False,
    statement_id: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        motion = voting.create_motion(
            session,
            actor=actor,
            body_id=body_id,
            title=title,
            text=text,
            options=[o for o in options.split(",") if o.strip()] or None,
            closes_at=utc_from_form(closes_at, "closes_at"),
            secret=secret,
            statement_id=statement_id or None,
        )
    except NohavenError as exc:
        session.rollback()
        return _list_page(request, session, actor, error=exc.detail, status_code=exc.status_code)
    return RedirectResponse(f"/motions/{motion.id}", status_code=303)


def _motion_page(
    request: Request,
    session: Session,
    actor: Actor,
    motion_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    motion = voting.get_motion(session, actor=actor, motion_id=motion_id)
    voted, own_option = voting.own_vote(session, actor=actor, motion=motion)
    org_names: dict[str, str] = {
        row.id: row.name for row in session.execute(select(Organisation.id, Organisation.name))
    }
    participants = voting.participants(session, actor=actor, motion=motion)
    ballots = voting.open_ballots(session, actor=actor, motion=motion)
    statement = session.get(Statement, motion.statement_id) if motion.statement_id else None
    may_vote = (
        can(actor, Action.VOTE, motion)
        and motion.is_open(utcnow())
        and actor.organisation_id
        in voting.voting_organisations(session, motion.body_id, utcnow().date())
    )
    return render(
        request,
        "governance/motion.html",
        {
            "title": motion.title,
            "motion": motion,
            "body": session.get(Body, motion.body_id),
            "voted": voted,
            "own_option": own_option,
            "may_vote": may_vote,
            "may_close": motion.closed_at is None and can(actor, Action.MANAGE, motion),
            "participants": [org_names.get(p, p) for p in participants],
            "ballots": sorted((org_names.get(o, o), v) for o, v in ballots.items()),
            "statement": statement,
            "now": utcnow(),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/motions/{motion_id}")
def motion_page(request: Request, session: DbSession, actor: WebActor, motion_id: str) -> Response:
    return _motion_page(request, session, actor, motion_id)


@router.post("/motions/{motion_id}/vote")
def vote(
    request: Request,
    session: DbSession,
    actor: WebActor,
    motion_id: str,
    option: Annotated[str, Form(max_length=80)] = "",
    receipt: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        cast = voting.cast_vote(
            session, actor=actor, motion_id=motion_id, option=option, receipt=receipt or None
        )
    except NohavenError as exc:
        session.rollback()
        return _motion_page(
            request, session, actor, motion_id, error=exc.detail, status_code=exc.status_code
        )
    notice = "Your vote has been changed." if cast.changed else "Your vote has been recorded."
    return _motion_page(request, session, actor, motion_id, notice=notice, receipt=cast.receipt)


@router.post("/motions/{motion_id}/close")
def close(request: Request, session: DbSession, actor: WebActor, motion_id: str) -> Response:
    try:
        voting.close_motion(session, actor=actor, motion_id=motion_id)
    except NohavenError as exc:
        session.rollback()
        return _motion_page(
            request, session, actor, motion_id, error=exc.detail, status_code=exc.status_code
        )
    return _motion_page(request, session, actor, motion_id, notice="The motion is closed.")
