"""Pages for drafting, adopting and publishing joint statements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.governance.bodies import service as bodies
from nohaven.governance.statements import languages, service
from nohaven.kit import i18n
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()


def _list_page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    drafting = service.bodies_drafting(session, actor=actor)
    return render(
        request,
        "governance/statements.html",
        {
            "title": _("Statements"),
            "statements": service.list_statements(session, actor=actor),
            "bodies": bodies.body_names(session),
            "drafting": drafting,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/statements")
def statements_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _list_page(request, session, actor)


@router.post("/statements")
def draft(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body_id: Annotated[str, Form(max_length=32)],
    title: Annotated[str, Form(max_length=200)],
    text: Annotated[str, Form(max_length=50000)],
    language: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    return form_action(
        request,
        session,
        lambda: service.create_statement(
            session, actor=actor, body_id=body_id, title=title, text=text, language=language
        ),
        refused=lambda refusal: _list_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=lambda statement: f"/statements/{statement.id}",
        flash=N_("Draft saved."),
    )


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    statement_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    statement = service.get_statement(session, actor=actor, statement_id=statement_id)
    motion = service.motion_of(session, actor=actor, statement=statement)
    versions = service.versions(session, statement=statement)
    adopted = next((v for v in versions if v.number == statement.adopted_version), versions[-1])
    return render(
        request,
        "governance/statement.html",
        {
            "title": statement.title,
            "statement": statement,
            "body": bodies.get_body(session, statement.body_id),
            "versions": versions,
            "texts": languages.texts(session, statement, adopted.text),
            "other_languages": [code for code in i18n.LANGUAGES if code != statement.language],
            "comments": service.comments(session, statement=statement),
            "motions": [motion] if motion else [],
            "may_edit": can(actor, Action.UPDATE, statement),
            "may_comment": can(actor, Action.PROPOSE, statement),
            "may_manage": can(actor, Action.MANAGE, statement),
            "candidates": service.signatory_candidates(session, statement=statement)
            if statement.status == "adopted" and can(actor, Action.MANAGE, statement)
            else [],
            **extra,
        },
        status_code=status_code,
    )


@router.get("/statements/{statement_id}")
def statement_page(
    request: Request, session: DbSession, actor: WebActor, statement_id: str
) -> Response:
    return _page(request, session, actor, statement_id)


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    statement_id: str,
    fn: Callable[[], object],
    notice: str,
) -> Response:
    return form_action(
        request,
        session,
        fn,
        refused=lambda refusal: _page(
            request,
            session,
            actor,
            statement_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/statements/{statement_id}",
        flash=notice,
    )


@router.post("/statements/{statement_id}/versions")
def revise(
    request: Request,
    session: DbSession,
    actor: WebActor,
    statement_id: str,
    text: Annotated[str, Form(max_length=50000)],
) -> Response:
    return _act(
        request,
        session,
        actor,
        statement_id,
        lambda: service.revise(session, actor=actor, statement_id=statement_id, text=text),
        N_("New version saved."),
    )


@router.post("/statements/{statement_id}/comments")
def comment(
    request: Request,
    session: DbSession,
    actor: WebActor,
    statement_id: str,
    text: Annotated[str, Form(max_length=5000)],
) -> Response:
    return _act(
        request,
        session,
        actor,
        statement_id,
        lambda: service.comment(session, actor=actor, statement_id=statement_id, text=text),
        N_("Comment added."),
    )


@router.post("/statements/{statement_id}/publish")
def publish(
    request: Request,
    session: DbSession,
    actor: WebActor,
    statement_id: str,
    signatory_ids: Annotated[list[str] | None, Form(alias="signatory")] = None,
) -> Response:
    return _act(
        request,
        session,
        actor,
        statement_id,
        lambda: service.publish(
            session, actor=actor, statement_id=statement_id, signatory_ids=signatory_ids
        ),
        N_("Published: the statement is now on the public page and in the feed."),
    )


@router.post("/statements/{statement_id}/languages")
def set_language(
    request: Request,
    session: DbSession,
    actor: WebActor,
    statement_id: str,
    language: Annotated[str, Form(max_length=16)],
    title: Annotated[str, Form(max_length=200)],
    text: Annotated[str, Form(max_length=50000)],
    official: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        statement_id,
        lambda: languages.set_text(
            session,
            actor=actor,
            statement_id=statement_id,
            language=language,
            title=title,
            text=text,
            official=official == "true",
        ),
        N_("The statement's text in that language is saved."),
    )
