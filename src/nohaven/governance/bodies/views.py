"""Pages of a body's officers (the hand-over of the chair) and its standing orders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.governance.bodies import service
from nohaven.governance.motions.models import Majority
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.kit.schemas import Day
from nohaven.members.models import MembershipRole, OrganisationKind
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()


def _officers_page(
    request: Request,
    session: Session,
    actor: Actor,
    slug: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    body = service.body_by_ref(session, slug)
    seats = service.seats(session, body.id, on=utcnow().date())
    return render(
        request,
        "governance/officers.html",
        {
            "title": _("Chair and vice-chair — %(body)s") % {"body": body.name},
            "body": body,
            "history": service.office_history(session, actor=actor, body_id=body.id),
            "members": [m for m in seats if m.role == MembershipRole.MEMBER],
            "may_hand_over": actor.is_secretariat,
            "rules": service.standing_orders_of(session, body.id),
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
    body = service.body_by_ref(session, slug)

    def run() -> Any:
        return service.hand_over(
            session,
            actor=actor,
            body_id=body.id,
            to_organisation_id=to_organisation_id,
            on=on,
            role=MembershipRole(role) if role in {"chair", "vice_chair"} else MembershipRole.MEMBER,
        )

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _officers_page(
            request, session, actor, slug, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/governance/bodies/{slug}/officers",
        flash=N_("Handed over."),
    )


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
    body = service.body_by_ref(session, slug)

    def run() -> Any:
        return service.update_standing_orders(
            session,
            actor=actor,
            body_id=body.id,
            quorum_percent=quorum_percent,
            majority=majority,
            eligible_kinds=[k for k in eligible_kinds or [] if k in set(OrganisationKind)],
            requires_alliance_membership=requires_alliance_membership,
        )

    return form_action(
        request,
        session,
        run,
        refused=lambda refusal: _officers_page(
            request, session, actor, slug, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/governance/bodies/{slug}/officers",
        flash=N_(
            "Rules saved: they apply to motions tabled from now on; open motions keep theirs."
        ),
    )
