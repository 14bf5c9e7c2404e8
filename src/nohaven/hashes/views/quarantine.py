"""The owner's review of a list's flood quarantine: the entries held because they suddenly
matched far more than their history, each released (the flood was real) or confirmed and
removed (tombstoned). Every decision is audited by ``nohaven.hashes.quarantine.review``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action
from nohaven.errors import Forbidden, NotFound
from nohaven.hashes import quarantine, service
from nohaven.hashes.models import EntryQuarantine, HashEntry
from nohaven.kit.i18n import N_
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    list_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    hash_list = service.get_list(session, actor=actor, list_id=list_id, action=Action.UPDATE)
    held = quarantine.open_for_list(session, actor=actor, list_id=list_id)
    ids = [h.entry_id for h in held]
    entries = {
        e.id: e for e in session.execute(select(HashEntry).where(HashEntry.id.in_(ids))).scalars()
    }
    context = {
        "title": f"Quarantine: {hash_list.name}",
        "hash_list": hash_list,
        "held": held,
        "entries": entries,
        **extra,
    }
    return render(request, "hashes/quarantine.html", context, status_code=status_code)


@router.get("/hash-lists/{list_id}/quarantine")
def quarantine_page(
    request: Request, session: DbSession, actor: WebActor, list_id: str
) -> Response:
    return _page(request, session, actor, list_id)


@router.post("/hash-quarantines/{quarantine_id}/review")
def review(
    request: Request,
    session: DbSession,
    actor: WebActor,
    quarantine_id: str,
    outcome: Annotated[str, Form(max_length=16)],
) -> Response:
    held = session.get(EntryQuarantine, quarantine_id)
    try:
        if held is None:
            raise NotFound("No such quarantine.")
        service.get_list(session, actor=actor, list_id=held.list_id, action=Action.UPDATE)
    except (Forbidden, NotFound) as exc:
        # someone who may not review it learns nothing more than that it does not exist
        raise NotFound("No such quarantine.") from exc
    list_id = held.list_id
    return form_action(
        request,
        session,
        lambda: quarantine.review(
            session, actor=actor, quarantine_id=quarantine_id, outcome=outcome
        ),
        refused=lambda refusal: _page(
            request,
            session,
            actor,
            list_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/hash-lists/{quote(list_id)}/quarantine",
        flash=N_("Entry released: its matches are no longer flagged.")
        if outcome == "release"
        else N_("Entry removed from the list (tombstoned)."),
    )
