"""One referral, for its sender and its receiver only: opening it is audited; the receiver
acknowledges it and records the outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.operations import present, referrals, service
from nohaven.operations import repository as repo
from nohaven.operations.models import ReferralOutcome
from nohaven.operations.schemas import OutcomeIn
from nohaven.transactions import writes
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=2000)]


def _page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    referral_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    found = referrals.read(session, actor=actor, activity_id=activity_id, referral_id=referral_id)
    activity = service.visible(session, actor=actor, activity_id=activity_id)
    names = repo.organisations(
        session, [found.sender_organisation_id, found.receiver_organisation_id]
    )
    return render(
        request,
        "operations/referral.html",
        {
            "title": _("Referral in Operation %(name)s") % {"name": activity.code_name},
            "activity": activity,
            "r": present.referral(found, now=utcnow(), opened=True),
            "sender": names[found.sender_organisation_id].name,
            "receiver": names[found.receiver_organisation_id].name,
            "may_respond": can(actor, Action.RESPOND, found),
            "outcomes": list(ReferralOutcome),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/operations/{activity_id}/referrals/{referral_id}")
@writes  # records an audited read
def detail(
    request: Request, session: DbSession, actor: WebActor, activity_id: str, referral_id: str
) -> Response:
    return _page(request, session, actor, activity_id, referral_id)


def _act(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    referral_id: str,
    action: Callable[[], object],
    done: str,
) -> Response:
    return form_action(
        request,
        session,
        action,
        refused=lambda refusal: _page(
            request,
            session,
            actor,
            activity_id,
            referral_id,
            error=refusal.message,
            status_code=refusal.status_code,
        ),
        redirect=f"/operations/{activity_id}/referrals/{referral_id}",
        flash=done,
    )


@router.post("/operations/{activity_id}/referrals/{referral_id}/acknowledge")
def acknowledge(
    request: Request, session: DbSession, actor: WebActor, activity_id: str, referral_id: str
) -> Response:
    return _act(
        request,
        session,
        actor,
        activity_id,
        referral_id,
        lambda: referrals.acknowledge(
            session, actor=actor, activity_id=activity_id, referral_id=referral_id
        ),
        N_("Referral acknowledged."),
    )


@router.post("/operations/{activity_id}/referrals/{referral_id}/outcome")
def conclude(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    referral_id: str,
    outcome: Short = "",
    note: Short = "",
) -> Response:
    return _act(
        request,
        session,
        actor,
        activity_id,
        referral_id,
        lambda: referrals.conclude(
            session,
            actor=actor,
            activity_id=activity_id,
            referral_id=referral_id,
            data=OutcomeIn.model_validate({"outcome": outcome, "note": note}),
        ),
        N_("Outcome recorded."),
    )
