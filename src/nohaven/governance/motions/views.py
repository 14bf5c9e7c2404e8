"""Pages for motions and votes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.governance import flows
from nohaven.governance.bodies import service as bodies
from nohaven.governance.forms import utc_from_form
from nohaven.governance.motions import service
from nohaven.governance.motions.service import Stage, stage
from nohaven.governance.rules import is_officer
from nohaven.governance.statements import service as statements
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_, gettext
from nohaven.kit.i18n import gettext as _
from nohaven.web.confirm import CONFIRMED, Confirmed, ask_first
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()


def _list_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    motions = service.list_motions(session, actor=actor)
    now = utcnow()
    mine = {b.id: b for b in bodies.my_bodies(session, actor)}
    officer_bodies = [b for b in mine.values() if is_officer(actor, b.id)]
    by_stage: dict[Stage, list[Any]] = {s: [] for s in Stage}
    for m in motions:
        by_stage[stage(m, now)].append(m)
    return render(
        request,
        "governance/motions.html",
        {
            "title": _("Motions"),
            "open": by_stage[Stage.OPEN],
            "upcoming": by_stage[Stage.UPCOMING],
            "counting": by_stage[Stage.COUNTING],
            "closed": by_stage[Stage.CLOSED],
            "bodies": mine,
            "officer_bodies": officer_bodies,
            "drafts": statements.drafts_of(session, body_ids=[b.id for b in officer_bodies]),
            "now": now,
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
    return form_action(
        request,
        session,
        lambda: flows.table_motion(
            session,
            actor=actor,
            body_id=body_id,
            title=title,
            text=text,
            options=[o for o in options.split(",") if o.strip()] or None,
            closes_at=utc_from_form(closes_at, "closes_at"),
            secret=secret,
            statement_id=statement_id or None,
        ),
        refused=lambda refusal: _list_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=lambda motion: f"/motions/{motion.id}",
        flash=N_("The motion is tabled."),
    )


def _motion_page(
    request: Request,
    session: Session,
    actor: Actor,
    motion_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    motion = service.get_motion(session, actor=actor, motion_id=motion_id)
    now = utcnow()
    voted, own_option = service.own_vote(session, actor=actor, motion=motion)
    names = bodies.organisation_names(session)
    participants = service.participants(session, actor=actor, motion=motion)
    ballots = service.open_ballots(session, actor=actor, motion=motion)
    subject = flows.subject_of(session, motion)
    statement = (
        statements.get_statement(session, actor=actor, statement_id=subject.statement_id)
        if subject.statement_id
        else None
    )
    return render(
        request,
        "governance/motion.html",
        {
            "title": motion.title,
            "motion": motion,
            "stage": stage(motion, now),
            "body": bodies.get_body(session, motion.body_id),
            "voted": voted,
            "own_option": own_option,
            "may_vote": service.may_vote(session, actor=actor, motion=motion, now=now),
            "may_close": motion.closed_at is None and can(actor, Action.MANAGE, motion),
            "participants": [names.get(p, p) for p in participants],
            "eligible_now": len(bodies.voting_organisations(session, motion.body_id, now.date())),
            "ballots": sorted((names.get(o, o), v) for o, v in ballots.items()),
            "statement": statement,
            "now": now,
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
    secret = service.get_motion(session, actor=actor, motion_id=motion_id).secret

    def notice(cast: service.CastVote) -> str:
        return (
            _("Your vote has been changed.") if cast.changed else _("Your vote has been recorded.")
        )

    return form_action(
        request,
        session,
        lambda: service.cast_vote(
            session, actor=actor, motion_id=motion_id, option=option, receipt=receipt or None
        ),
        refused=lambda refusal: _motion_page(
            request,
            session,
            actor,
            motion_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        # A secret ballot's receipt is shown once, on this answer: never in a cookie or a URL.
        show=(
            (
                lambda cast: _motion_page(
                    request, session, actor, motion_id, notice=notice(cast), receipt=cast.receipt
                )
            )
            if secret
            else None
        ),
        redirect=None if secret else f"/motions/{motion_id}",
        flash=notice,
    )


@router.post("/motions/{motion_id}/close")
def close(
    request: Request, session: DbSession, actor: WebActor, motion_id: str, confirmed: Confirmed = ""
) -> Response:
    if confirmed != CONFIRMED:
        return ask_first(
            request,
            question=gettext(
                "Close the vote now and count? No member can vote or change a vote afterwards."
            ),
            button=gettext("Close the vote"),
            back=f"/motions/{motion_id}",
        )
    return form_action(
        request,
        session,
        lambda: flows.close_motion(session, actor=actor, motion_id=motion_id),
        refused=lambda refusal: _motion_page(
            request,
            session,
            actor,
            motion_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/motions/{motion_id}",
        flash=N_("The motion is closed."),
    )
