"""The programme: each of the actor's bodies' activities as a timeline (in full, or by code
name alone where the lead allows), the form to propose one, and a body's published programme
for anyone."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Tlp
from nohaven.governance.bodies import service as bodies
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.members import service as members
from nohaven.operations import flows, present, service
from nohaven.operations.models import PHASE_ORDER, ActivityKind
from nohaven.operations.schemas import ActivityCreate
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)
FIELD = 20_000


def _page(
    request: Request, session: DbSession, actor: WebActor, *, status_code: int = 200, **extra: Any
) -> Response:
    lines = service.programme(session, actor=actor)
    mine = bodies.my_bodies(session, actor)
    names = {b.id: b.name for b in mine}
    by_body: dict[str, list[Any]] = defaultdict(list)
    for line in lines:
        by_body[line.activity.body_id].append(present.line(line.activity, full=line.full))
    return render(
        request,
        "operations/index.html",
        {
            "title": _("Operations and programme"),
            "programmes": [(names.get(b, b), by_body[b]) for b in names if by_body.get(b)],
            # The bodies the actor's agency may propose something in (an operation or not).
            "bodies": [b for b in mine if service.may_propose_in(actor, body_id=b.id)],
            "kinds": list(ActivityKind),
            "phases": PHASE_ORDER,
            "tlps": list(Tlp),
            "form": extra.pop("form", {}),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/operations")
def index(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _page(request, session, actor)


@router.post("/operations")
def propose(
    request: Request,
    session: DbSession,
    actor: WebActor,
    body_id: Annotated[str, Form(max_length=64)] = "",
    kind: Annotated[str, Form(max_length=32)] = "operation",
    code_name: Annotated[str, Form(max_length=200)] = "",
    title: Annotated[str, Form(max_length=400)] = "",
    summary: Annotated[str, Form(max_length=FIELD)] = "",
    tlp: Annotated[str, Form(max_length=32)] = "TLP:RED",
    starts_on: Annotated[str, Form(max_length=32)] = "",
    ends_on: Annotated[str, Form(max_length=32)] = "",
    code_name_visible: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    form = {
        "body_id": body_id,
        "kind": kind,
        "code_name": code_name,
        "title": title,
        "summary": summary,
        "tlp": tlp,
        "starts_on": starts_on or None,
        "ends_on": ends_on or None,
        "code_name_visible": bool(code_name_visible),
    }
    return form_action(
        request,
        session,
        lambda: service.propose(session, actor=actor, data=ActivityCreate.model_validate(form)),
        refused=lambda r: _page(
            request, session, actor, error=r.message, status_code=r.status_code, form=form
        ),
        redirect=lambda activity: f"/operations/{activity.id}",
        flash=N_("Proposed. Invite the agencies that will take part."),
    )


@router.get("/public/bodies/{slug}/programme")
def published(request: Request, session: DbSession, slug: str) -> Response:
    """What a body chose to publish of its programme: open to anyone, signed in or not."""
    body = members.get_body(
        session, actor=Actor.system("public programme"), body_id_or_slug=slug[:120]
    )
    items = service.published(session, body_id=body.id)
    return render(
        request,
        "operations/public.html",
        {
            "title": _("Programme of the %(name)s") % {"name": body.name},
            "body": body,
            "items": [
                (a, flows.statement_state(session, statement_id=a.statement_id)) for a in items
            ],
        },
    )
