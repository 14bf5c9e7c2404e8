"""One hash entry, with the trust votes, feedback and tombstone its page posts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.hashes import classification, quarantine, service, trust
from nohaven.hashes import repository as repo
from nohaven.hashes.models import FeedbackVerdict, VoteVerdict
from nohaven.hashes.schemas import FeedbackCreate, VoteCreate
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members_service
from nohaven.transactions import writes
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _entry_page(
    request: Request,
    session: Session,
    actor: Actor,
    entry_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    view = service.entry_view(session, actor=actor, entry_id=entry_id)
    orgs = {v.organisation_id for v in view.votes} | {f.organisation_id for f in view.feedback}
    orgs |= {s.organisation_id or "" for s in view.sightings or []}
    orgs.add(view.hash_list.owner_organisation_id)
    owner = can(actor, Action.UPDATE, view.hash_list)
    context = {
        "title": _("Hash entry"),
        # the owner is told here, where the quarantine's notice points, and led to the review
        "held": quarantine.held(session, view.entry.id) if owner else None,
        "view": view,
        "entry": view.entry,
        "hash_list": view.hash_list,
        "names": repo.organisation_names(session, orgs),
        "people": members_service.people_names(session, (s.user_id for s in view.sightings or [])),
        "label": classification.label,
        "crosswalk": classification.crosswalk(
            view.entry.classification_scheme, view.entry.classification
        ),
        "scheme_labels": classification.SCHEME_LABELS,
        "may_vote": can(actor, Action.VOTE, view.hash_list),
        "may_respond": can(actor, Action.RESPOND, view.hash_list),
        "owner": owner,
        "vote_verdicts": list(VoteVerdict),
        "feedback_verdicts": list(FeedbackVerdict),
        **extra,
    }
    return render(request, "hashes/entry.html", context, status_code=status_code)


@router.get("/hash-entries/{entry_id}")
@writes  # records an audited read
def entry_page(request: Request, session: DbSession, actor: WebActor, entry_id: str) -> Response:
    return _entry_page(request, session, actor, entry_id)


def _entry_action(
    request: Request,
    session: Session,
    actor: Actor,
    entry_id: str,
    act: Callable[[], object],
    notice: str,
) -> Response:
    """Run one form action on an entry: back to its page with the outcome, or the page again
    with the reason it was refused (a 4xx, nothing written)."""
    return form_action(
        request,
        session,
        act,
        refused=lambda refusal: _entry_page(
            request,
            session,
            actor,
            entry_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/hash-entries/{quote(entry_id)}",
        flash=notice,
    )


@router.post("/hash-entries/{entry_id}/vote")
def vote(
    request: Request,
    session: DbSession,
    actor: WebActor,
    entry_id: str,
    verdict: Annotated[str, Form(max_length=16)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _entry_action(
        request,
        session,
        actor,
        entry_id,
        lambda: trust.vote(
            session,
            actor=actor,
            entry_id=entry_id,
            data=VoteCreate.model_validate({"verdict": verdict, "comment": comment}),
        ),
        N_("Vote recorded."),
    )


@router.post("/hash-entries/{entry_id}/feedback")
def feedback(
    request: Request,
    session: DbSession,
    actor: WebActor,
    entry_id: str,
    verdict: Annotated[str, Form(max_length=16)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _entry_action(
        request,
        session,
        actor,
        entry_id,
        lambda: trust.give_feedback(
            session,
            actor=actor,
            entry_id=entry_id,
            data=FeedbackCreate.model_validate({"verdict": verdict, "comment": comment}),
        ),
        N_("Feedback recorded."),
    )


@router.post("/hash-entries/{entry_id}/tombstone")
def tombstone(
    request: Request,
    session: DbSession,
    actor: WebActor,
    entry_id: str,
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _entry_action(
        request,
        session,
        actor,
        entry_id,
        lambda: service.tombstone_entry(session, actor=actor, entry_id=entry_id, reason=reason),
        N_("Entry removed (tombstoned)."),
    )
