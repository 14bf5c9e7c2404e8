"""Pages of the deconfliction domain.

Registration is not offered as a web form: the server must never see a selector, so the
blinding happens in the agency's client (``nohaven deconflict register``), which the pages
explain. The pages list the organisation's cases, its hits inbox (reveal, outcomes), and, for
the secretariat, quotas, flags and statistics.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.config import AppSettings
from nohaven.deconfliction import cases, stats
from nohaven.deconfliction import hits as hit_service
from nohaven.deconfliction.models import Case, Hit, Outcome, QuotaBucket
from nohaven.errors import Forbidden
from nohaven.kit.i18n import N_, gettext, ngettext
from nohaven.kit.i18n import gettext as _
from nohaven.transactions import writes
from nohaven.web.confirm import CONFIRMED, Confirmed, ask_first
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import form_action
from nohaven.web.nav import NavLink
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

# (label, path) links this domain adds to the main navigation.
NAV: tuple[NavLink, ...] = (
    NavLink(
        N_("Deconfliction"), "/deconfliction", "Investigations", lambda a: can(a, Action.LIST, Case)
    ),
)

OUTCOMES = [(o.value, o.value.replace("_", " ")) for o in Outcome]
# The outcomes as the pages name them (through `label` and `translated`), for the catalogue.
OUTCOME_NAMES = (N_("relevant"), N_("deconflicted"), N_("false positive"), N_("open"))


def _cases_page(
    request: Request, session: DbSession, actor: Actor, *, status_code: int = 200, **extra: Any
) -> Response:
    if not can(actor, Action.LIST, Case):
        if can(actor, Action.LIST, QuotaBucket):
            return RedirectResponse("/deconfliction/secretariat", status_code=303)
        raise Forbidden("Deconfliction is for analysts of law-enforcement agencies.")
    summaries = cases.list_cases(session, actor=actor)
    return render(
        request,
        "deconfliction/cases.html",
        {"title": _("Deconfliction"), "cases": summaries, **extra},
        status_code=status_code,
    )


@router.get("/deconfliction")
def cases_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _cases_page(request, session, actor)


@router.post("/deconfliction/cases/{case_id}/close")
def close_case(
    request: Request, session: DbSession, actor: WebActor, case_id: str, confirmed: Confirmed = ""
) -> Response:
    if confirmed != CONFIRMED:
        return ask_first(
            request,
            question=gettext(
                "Close this case? Its registrations are deleted and can no longer match; "
                "this cannot be undone."
            ),
            button=gettext("Close case"),
            back="/deconfliction",
        )
    return form_action(
        request,
        session,
        lambda: cases.close_case(session, actor=actor, case_id=case_id),
        refused=lambda refusal: _cases_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/deconfliction",
        flash=lambda deleted: (
            ngettext(
                "Case closed; %(count)d registration deleted.",
                "Case closed; %(count)d registrations deleted.",
                deleted,
            )
            % {"count": deleted}
        ),
    )


@router.post("/deconfliction/cases/{case_id}/renew")
def renew_case(
    request: Request, session: DbSession, actor: WebActor, settings: AppSettings, case_id: str
) -> Response:
    limits = settings.deconfliction
    months = limits.registration_months
    return form_action(
        request,
        session,
        lambda: cases.renew_case(session, actor=actor, case_id=case_id, limits=limits),
        refused=lambda refusal: _cases_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/deconfliction",
        flash=lambda renewed: (
            ngettext(
                "%(count)d registration renewed for %(months)d months.",
                "%(count)d registrations renewed for %(months)d months.",
                renewed,
            )
            % {"count": renewed, "months": months}
        ),
    )


@router.get("/deconfliction/hits")
@writes  # records an audited read
def hits_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    if not can(actor, Action.LIST, Hit):
        raise Forbidden("Deconfliction is for analysts of law-enforcement agencies.")
    views = hit_service.list_hits(session, actor=actor)
    return render(
        request, "deconfliction/hits.html", {"title": _("Deconfliction hits"), "hits": views}
    )


def _hit_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    hit_id: str,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    view = hit_service.get_hit(session, actor=actor, hit_id=hit_id)
    return render(
        request,
        "deconfliction/hit.html",
        {"title": _("Deconfliction hit"), "hit": view, "outcomes": OUTCOMES, **extra},
        status_code=status_code,
    )


@router.get("/deconfliction/hits/{hit_id}")
@writes  # records an audited read
def hit_page(request: Request, session: DbSession, actor: WebActor, hit_id: str) -> Response:
    return _hit_page(request, session, actor, hit_id)


@router.post("/deconfliction/hits/{hit_id}/outcome")
def record_outcome(
    request: Request,
    session: DbSession,
    actor: WebActor,
    hit_id: str,
    outcome: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    # A hit the actor may not see is refused with 404, and so is showing its page again.
    return form_action(
        request,
        session,
        lambda: hit_service.record_outcome(session, actor=actor, hit_id=hit_id, outcome=outcome),
        refused=lambda refusal: _hit_page(
            request, session, actor, hit_id, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/deconfliction/hits/{quote(hit_id)}",
        flash=N_("Outcome recorded."),
    )


@router.post("/deconfliction/hits/{hit_id}/reveal")
def reveal(request: Request, session: DbSession, actor: WebActor, hit_id: str) -> Response:
    return form_action(
        request,
        session,
        lambda: hit_service.reveal(session, actor=actor, hit_id=hit_id),
        refused=lambda refusal: _hit_page(
            request, session, actor, hit_id, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/deconfliction/hits/{quote(hit_id)}",
        flash=N_("Your agency is now shown to its counterparts."),
    )


@router.get("/deconfliction/secretariat")
@writes  # records an audited read
def secretariat_page(
    request: Request, session: DbSession, actor: WebActor, settings: AppSettings
) -> Response:
    limits = settings.deconfliction
    return render(
        request,
        "deconfliction/secretariat.html",
        {
            "title": _("Deconfliction quotas and statistics"),
            "bodies": stats.body_statistics(session, actor=actor),
            "quotas": stats.quota_overview(session, actor=actor),
            "limits": limits,
            "outcomes": ["open", *[o.value for o in Outcome]],
        },
    )
