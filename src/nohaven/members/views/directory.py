"""The directory of bodies and organisations, and the secretariat's edits
of it (organisations, seats)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.policy import Action, can
from nohaven.errors import InvalidInput
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.members import service
from nohaven.members.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from nohaven.members.schemas import MembershipCreate, OrganisationCreate, OrganisationUpdate
from nohaven.web.confirm import CONFIRMED, Confirmed, ask_first
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)

# Seats and kinds of body as the directory names them (MembershipRole, BodyKind), for the
# catalogue: the pages show them through the `label` and `translated` filters.
SEAT_NAMES = (
    N_("chair"),
    N_("vice chair"),
    N_("member"),
    N_("affiliate"),
    N_("observer"),
    N_("secretariat"),
    N_("alliance"),
    N_("reference group"),
    # organisation kinds (nohaven.members.models.OrganisationKind)
    N_("law enforcement"),
    N_("government"),
    N_("intergovernmental"),
    N_("ngo"),
    N_("industry"),
    N_("hotline"),
)


@router.get("/directory")
def directory(request: Request, session: DbSession, actor: WebActor) -> Response:
    return render(
        request,
        "directory.html",
        {"title": _("Directory"), "entries": service.directory(session, actor=actor)},
    )


def _body_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    slug: str,
    *,
    status_code: int = 200,
    **extra: object,
) -> Response:
    body = service.get_body(session, actor=actor, body_id_or_slug=slug)
    entries = service.directory(session, actor=actor)
    entry = next(e for e in entries if e.body.id == body.id)
    return render(
        request,
        "body.html",
        {
            "title": body.name,
            "entry": entry,
            "groups": [e for e in entries if e.body.parent_id == body.id],
            "history": service.memberships(session, actor=actor, body_id=body.id),
            "roles": list(MembershipRole),
            "today": utcnow().date(),
            "orgs": service.list_organisations(session, actor=actor)
            if actor.is_secretariat
            else [],
            **extra,
        },
        status_code=status_code,
    )


@router.get("/bodies/{slug}")
def body_page(request: Request, session: DbSession, actor: WebActor, slug: str) -> Response:
    return _body_page(request, session, actor, slug)


def _organisations_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    kind: str | None = None,
    *,
    status_code: int = 200,
    **extra: object,
) -> Response:
    orgs = service.list_organisations(session, actor=actor, kind=kind or None)
    return render(
        request,
        "organisations.html",
        {
            "title": _("Organisations"),
            "orgs": orgs,
            "kinds": list(OrganisationKind),
            "kind": kind,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/organisations")
def organisations(
    request: Request, session: DbSession, actor: WebActor, kind: str | None = None
) -> Response:
    return _organisations_page(request, session, actor, kind)


def _organisation_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    organisation_id: str,
    *,
    status_code: int = 200,
    **extra: object,
) -> Response:
    org = service.get_organisation(session, actor=actor, organisation_id=organisation_id)
    seats = service.seats_of_organisation(session, organisation_id=org.id)
    parent = None
    if org.parent_id:
        parent = service.get_organisation(session, actor=actor, organisation_id=org.parent_id)
    return render(
        request,
        "organisation.html",
        {
            "title": org.name,
            "org": org,
            "seats": seats,
            "parent": parent,
            "today": utcnow().date(),
            # its admins and the secretariat edit it and set its sign-in provider
            "may_edit": can(actor, Action.UPDATE, org),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/organisations/{organisation_id}")
def organisation_page(
    request: Request, session: DbSession, actor: WebActor, organisation_id: str
) -> Response:
    return _organisation_page(request, session, actor, organisation_id)


@router.post("/organisations/{organisation_id}")
def edit_organisation(
    request: Request,
    session: DbSession,
    actor: WebActor,
    organisation_id: str,
    name: Annotated[str, Form(max_length=200)],
    short_name: Annotated[str, Form(max_length=40)] = "",
    country: Annotated[str, Form(max_length=60)] = "",
    website: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    typed = {"name": name, "short_name": short_name, "country": country, "website": website}

    def save() -> Organisation:
        data = OrganisationUpdate.model_validate(
            {
                "name": name.strip(),
                "short_name": short_name.strip() or None,
                "country": country.strip() or None,
                "website": website.strip() or None,
            }
        )
        return service.update_organisation(
            session, actor=actor, organisation_id=organisation_id, data=data
        )

    return form_action(
        request,
        session,
        save,
        refused=lambda refusal: _organisation_page(
            request,
            session,
            actor,
            organisation_id,
            error=refusal.message,
            typed=typed,
            status_code=refusal.status_code,
        ),
        redirect=lambda org: f"/organisations/{org.id}",
        flash=lambda org: _("%(name)s saved.") % {"name": org.name},
    )


# --- the secretariat keeps the directory ---------------------------------------------------


@router.post("/organisations")
def create_organisation(
    request: Request,
    session: DbSession,
    actor: WebActor,
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(max_length=40)],
    country: Annotated[str, Form(max_length=60)] = "",
    short_name: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    def create() -> Organisation:
        data = OrganisationCreate.model_validate(
            {
                "name": name.strip(),
                "kind": kind,
                "country": country or None,
                "short_name": short_name.strip() or None,
            }
        )
        return service.create_organisation(session, actor=actor, data=data)

    return form_action(
        request,
        session,
        create,
        refused=lambda refusal: _organisations_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=lambda org: f"/organisations/{org.id}",
        flash=lambda org: _("%(name)s added to the directory.") % {"name": org.name},
    )


@router.post("/bodies/{slug}/memberships")
def add_seat(
    request: Request,
    session: DbSession,
    actor: WebActor,
    slug: str,
    organisation_id: Annotated[str, Form(max_length=32)],
    role: Annotated[str, Form(max_length=20)],
    start_date: Annotated[str, Form(max_length=10)],
    end_date: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def add() -> Membership:
        data = MembershipCreate.model_validate(
            {
                "organisation_id": organisation_id,
                "role": role,
                "start_date": start_date,
                "end_date": end_date or None,
                "note": note,
            }
        )
        return service.add_membership(session, actor=actor, body_id=slug, data=data)

    return form_action(
        request,
        session,
        add,
        refused=lambda refusal: _body_page(
            request, session, actor, slug, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/bodies/{quote(slug)}",
        flash=N_("Seat added."),
    )


@router.post("/bodies/{slug}/memberships/{membership_id}/end")
def end_seat(
    request: Request,
    session: DbSession,
    actor: WebActor,
    slug: str,
    membership_id: str,
    end_date: Annotated[str, Form(max_length=10)],
    confirmed: Confirmed = "",
) -> Response:
    if confirmed != CONFIRMED:
        return ask_first(
            request,
            question=_(
                "End this seat on %(day)s? Its delegates lose its vote in the body from then."
            )
            % {"day": end_date},
            button=_("End the seat"),
            back=f"/bodies/{quote(slug)}",
            fields={"end_date": end_date},
        )

    def end() -> Membership:
        try:
            day = date.fromisoformat(end_date)
        except ValueError as exc:
            raise InvalidInput("Give the end date as YYYY-MM-DD.") from exc
        return service.end_membership(
            session, actor=actor, membership_id=membership_id, end_date=day
        )

    return form_action(
        request,
        session,
        end,
        refused=lambda refusal: _body_page(
            request, session, actor, slug, error=refusal.message, status_code=refusal.status_code
        ),
        redirect=f"/bodies/{quote(slug)}",
        flash=N_("Seat ended."),
    )
