"""The TAXII sources page: the collections elsewhere that feed lists the actor may change,
with their last pull, what it did and the last error; adding, editing, pausing and resuming
one. Linked from the Peers page and from a list's page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.config import AppSettings
from nohaven.federation.taxii import source as taxii_source
from nohaven.federation.taxii import sources
from nohaven.hashes import service as hashes_service
from nohaven.keys.ring import data_keyring
from nohaven.kit.i18n import N_
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=500)]
Optional = Annotated[str, Form(max_length=200)]


def _page(
    request: Request, session: Session, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    found = sources.sources_of(session, actor=actor)
    lists = [
        h
        for h in hashes_service.visible_lists(session, actor=actor)
        if can(actor, Action.UPDATE, h)
    ]
    context = {
        "title": "TAXII sources",
        "sources": found,
        "lists": lists,
        "selected_list": request.query_params.get("list", ""),
        **extra,
    }
    return render(request, "federation/taxii_sources.html", context, status_code=status_code)


@router.get("/taxii-sources")
def sources_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _page(request, session, actor)


def _act(request: Request, session: Session, actor: Actor, action: Any, flash: str) -> Response:
    return form_action(
        request,
        session,
        action,
        refused=lambda refusal: _page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/taxii-sources",
        flash=flash,
    )


@router.post("/taxii-sources")
def add_source(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: WebActor,
    list_id: Annotated[str, Form(max_length=32)],
    url: Text,
    username: Optional = "",
    password: Optional = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        lambda: taxii_source.add_source(
            session,
            actor=actor,
            keys=data_keyring(settings),
            list_id=list_id,
            url=url.strip(),
            username=username.strip() or None,
            password=password or None,
        ),
        N_("TAXII source added: it is read at the next pull."),
    )


@router.post("/taxii-sources/{source_id}")
def edit_source(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: WebActor,
    source_id: str,
    url: Text,
    username: Optional = "",
    password: Optional = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        lambda: sources.update_source(
            session,
            actor=actor,
            keys=data_keyring(settings),
            source_id=source_id,
            url=url,
            username=username,
            password=password or None,
        ),
        N_("TAXII source saved."),
    )


@router.post("/taxii-sources/{source_id}/pause")
def pause_source(
    request: Request,
    session: DbSession,
    actor: WebActor,
    source_id: str,
    paused: Annotated[bool, Form()],
) -> Response:
    return _act(
        request,
        session,
        actor,
        lambda: sources.set_paused(session, actor=actor, source_id=source_id, paused=paused),
        N_("TAXII source paused.") if paused else N_("TAXII source resumed."),
    )
