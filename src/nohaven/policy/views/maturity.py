"""National-response maturity: an organisation's self-assessment, shared with its bodies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import InvalidInput
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members_service
from nohaven.policy import maturity
from nohaven.policy.schemas import MaturityRatingIn
from nohaven.policy.views.inputs import PostedForm
from nohaven.transactions import writes
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


def _maturity_page(
    request: Request, session: DbSession, actor: WebActor, *, status_code: int = 200, **extra: Any
) -> Response:
    own = maturity.own(session, actor=actor)
    bodies = [b for b in members_service.list_bodies(session, actor=actor) if actor.in_body(b.id)]
    return render(
        request,
        "policy/maturity.html",
        {
            "title": _("National-response maturity"),
            "own": own,
            "ratings": {r.capability_key: r for r in own.ratings} if own else {},
            "shared": set(own.shared_body_ids) if own else set(),
            "capabilities": maturity.capabilities(),
            "phases": maturity.phases(),
            "bodies": bodies,
            "can_edit": own is None or can(actor, Action.UPDATE, own),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/policy/maturity")
def maturity_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _maturity_page(request, session, actor)


@router.post("/policy/maturity")
def maturity_save(
    request: Request, form: PostedForm, session: DbSession, actor: WebActor
) -> Response:
    def save() -> None:
        ratings = []
        for cap in maturity.capabilities():
            phase = str(form.get(f"phase_{cap.key}") or "")
            if not phase:
                continue
            if phase not in {"1", "2", "3", "4"}:
                raise InvalidInput(f"Choose a phase from 1 to 4 for {cap.name}.")
            evidence = str(form.get(f"evidence_{cap.key}") or "")
            try:
                rating = MaturityRatingIn(
                    capability_key=cap.key, phase=int(phase), evidence=evidence
                )
            except ValidationError as exc:
                raise InvalidInput("Evidence is at most 5000 characters.") from exc
            ratings.append(rating)
        if not ratings:
            raise InvalidInput("Choose a phase for at least one capability.")
        maturity.save(session, actor=actor, ratings=ratings)

    return form_action(
        request,
        session,
        save,
        refused=lambda refusal: _maturity_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/policy/maturity",
        flash=N_("Self-assessment saved."),
    )


@router.post("/policy/maturity/share")
def maturity_share(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body: Annotated[str, Form()],
    shared: Annotated[str, Form()] = "",
) -> Response:
    return form_action(
        request,
        session,
        lambda: maturity.share(session, actor=actor, body=body, shared=shared == "true"),
        refused=lambda refusal: _maturity_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/policy/maturity",
        flash=N_("Sharing updated."),
    )


@router.get("/policy/maturity/bodies/{slug}")
@writes  # records an audited read
def maturity_shared(request: Request, session: DbSession, actor: WebActor, slug: str) -> Response:
    found = members_service.get_body(session, actor=actor, body_id_or_slug=slug)
    results = maturity.shared_with_body(session, actor=actor, body=slug)
    return render(
        request,
        "policy/maturity_shared.html",
        {
            "title": _("Maturity shared with %(name)s") % {"name": found.name},
            "body": found,
            "results": results,
            "ratings": {
                r.organisation.id: {x.capability_key: x for x in r.assessment.ratings}
                for r in results
            },
            "capabilities": maturity.capabilities(),
            "phases": {p.phase: p.name for p in maturity.phases()},
        },
    )
