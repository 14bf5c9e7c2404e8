"""Review of assessments: submit, approve, reject, delete a draft."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import NotFound
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.kit.paging import TableSpec, TableView, choice, page_items, read_table, text
from nohaven.members import service as members_service
from nohaven.policy import service
from nohaven.policy.rules import may_review
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)

DONE = {
    "submit": N_("Assessment submitted for review."),
    "approve": N_("Assessment approved."),
    "reject": N_("Assessment rejected."),
    "delete": N_("Draft deleted."),
}


# The states the review list filters by, for the catalogue (shown through `translated`).
STATE_NAMES = (N_("draft"), N_("submitted"), N_("rejected"))

# The assessments under review: filtered through the policy one by one, then paged here.
REVIEW_TABLE = TableSpec(
    sorts={
        "changed": lambda a: a.updated_at,
        "country": lambda a: a.country,
        "criterion": lambda a: a.criterion_key,
        "status": lambda a: a.status,
        "state": lambda a: a.state,
    },
    default_sort="changed",
    default_descending=True,
    filters={"state": choice("draft", "submitted", "rejected"), "country": text},
)


@router.get("/policy/review")
def review_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    view = read_table(request.url.path, request.query_params, REVIEW_TABLE)
    return _review(request, session, actor, view=view)


def _review(
    request: Request,
    session: DbSession,
    actor: WebActor,
    *,
    status_code: int = 200,
    view: TableView | None = None,
    **extra: Any,
) -> Response:
    view = view or read_table("/policy/review", {}, REVIEW_TABLE)
    found = [
        a
        for a in service.pending(session, actor=actor)
        if view.filter("state") in ("", a.state)
        and view.filter("country").upper() in (a.country, "")
    ]
    pending, view = page_items(found, view)
    return render(
        request,
        "policy/review.html",
        {
            "title": _("Review of assessments"),
            "pending": pending,
            "view": view,
            "people": members_service.people_names(session, (a.assessor_id for a in pending)),
            "may_review": {a.id: may_review(actor, a) for a in pending},
            "may_edit": {a.id: can(actor, Action.UPDATE, a) for a in pending},
            **extra,
        },
        status_code=status_code,
    )


@router.post("/policy/assessments/{assessment_id}/{verb}")
def decide(
    request: Request,
    session: DbSession,
    actor: WebActor,
    assessment_id: str,
    verb: str,
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    def decide() -> None:
        if verb == "submit":
            service.submit_assessment(session, actor=actor, assessment_id=assessment_id)
        elif verb == "approve":
            service.approve_assessment(session, actor=actor, assessment_id=assessment_id, note=note)
        elif verb == "reject":
            service.reject_assessment(session, actor=actor, assessment_id=assessment_id, note=note)
        elif verb == "delete":
            service.delete_draft(session, actor=actor, assessment_id=assessment_id)
        else:
            raise NotFound("No such action.")

    return form_action(
        request,
        session,
        decide,
        refused=lambda refusal: _review(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        # Only back to a page of this domain: never a redirect off the site.
        redirect=back
        if back.startswith("/policy/") and not back.startswith("//")
        else "/policy/review",
        flash=DONE.get(verb, N_("Done.")),
    )
