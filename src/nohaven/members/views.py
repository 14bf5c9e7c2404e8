"""Pages of the members domain: dashboard, directory, bodies, organisations, users."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from nohaven.auth import second_factor
from nohaven.auth import users as accounts
from nohaven.auth.deps import DbSession, WebActor, require_role
from nohaven.config import AppSettings
from nohaven.errors import InvalidInput, NohavenError
from nohaven.kit.clock import utcnow
from nohaven.members import invitations as invites
from nohaven.members import service
from nohaven.members.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    UserRole,
)
from nohaven.members.schemas import InvitationCreate, MembershipCreate, OrganisationCreate
from nohaven.notifications import service as notifications
from nohaven.web.csrf import check_csrf
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/")
def dashboard(request: Request, session: DbSession, actor: WebActor) -> Response:
    org = (
        service.get_organisation(session, actor=actor, organisation_id=actor.organisation_id)
        if actor.organisation_id
        else None
    )
    seats = service.seats_of_organisation(
        session, organisation_id=actor.organisation_id or "", on=utcnow().date()
    )
    return render(
        request,
        "dashboard.html",
        {
            "title": "Dashboard",
            "org": org,
            "seats": seats,
            "directory": service.directory(session, actor=actor),
            "unread": notifications.unread_count(session, actor=actor),
        },
    )


@router.get("/directory")
def directory(request: Request, session: DbSession, actor: WebActor) -> Response:
    return render(
        request,
        "directory.html",
        {"title": "Directory", "entries": service.directory(session, actor=actor)},
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
            "title": "Organisations",
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


@router.get("/organisations/{organisation_id}")
def organisation_page(
    request: Request, session: DbSession, actor: WebActor, organisation_id: str
) -> Response:
    org = service.get_organisation(session, actor=actor, organisation_id=organisation_id)
    seats = service.seats_of_organisation(session, organisation_id=org.id)
    parent = None
    if org.parent_id:
        parent = service.get_organisation(session, actor=actor, organisation_id=org.parent_id)
    return render(
        request,
        "organisation.html",
        {"title": org.name, "org": org, "seats": seats, "parent": parent, "today": utcnow().date()},
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
        flash=lambda org: f"{org.name} added to the directory.",
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
        flash="Seat added.",
    )


@router.post("/bodies/{slug}/memberships/{membership_id}/end")
def end_seat(
    request: Request,
    session: DbSession,
    actor: WebActor,
    slug: str,
    membership_id: str,
    end_date: Annotated[str, Form(max_length=10)],
) -> Response:
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
        flash="Seat ended.",
    )


# --- users and invitations ---------------------------------------------------------------


def _users_page(
    request: Request,
    session: DbSession,
    actor: WebActor,
    *,
    status_code: int = 200,
    **extra: object,
) -> Response:
    require_role(actor, UserRole.ORG_ADMIN)
    users = accounts.list_users(session, actor=actor)
    invitations = invites.list_invitations(session, actor=actor)
    orgs = (
        service.list_organisations(session, actor=actor)
        if actor.is_secretariat
        else [
            service.get_organisation(
                session, actor=actor, organisation_id=actor.organisation_id or ""
            )
        ]
    )
    roles = [r for r in UserRole if actor.is_secretariat or r != UserRole.SECRETARIAT_ADMIN]
    return render(
        request,
        "users.html",
        {
            "title": "Users",
            "users": users,
            "orgs": orgs,
            "invitations": invitations,
            "roles": roles,
            "now": utcnow(),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/users")
def users_page(request: Request, session: DbSession, actor: WebActor) -> Response:
    return _users_page(request, session, actor)


@router.post("/users/invite")
def invite(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: WebActor,
    email: Annotated[str, Form(max_length=254)],
    organisation_id: Annotated[str, Form(max_length=32)],
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    def invite() -> invites.IssuedInvitation:
        data = InvitationCreate.model_validate(
            {"email": email, "organisation_id": organisation_id, "roles": roles or []}
        )
        return invites.invite_user(
            session, actor=actor, data=data, valid_days=settings.invitation_days
        )

    return form_action(
        request,
        session,
        invite,
        refused=lambda refusal: _users_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        # The link carries the one-time token: shown once, on this answer, never in a cookie.
        show=lambda issued: _users_page(
            request,
            session,
            actor,
            invite_link=str(request.base_url) + f"invitations/{issued.token}",
            notice=f"Invitation created for {issued.invitation.email}.",
        ),
    )


@router.post("/users/{user_id}/roles")
def set_roles(
    request: Request,
    session: DbSession,
    actor: WebActor,
    user_id: str,
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    def set_roles() -> User:
        try:
            valid = [UserRole(r).value for r in roles or []]
        except ValueError as exc:
            raise InvalidInput("Unknown role.") from exc
        if not valid:
            raise NohavenError("Choose at least one role.")
        return accounts.set_user_roles(session, actor=actor, user_id=user_id, roles=valid)

    return form_action(
        request,
        session,
        set_roles,
        refused=lambda refusal: _users_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/users",
        flash="Roles updated.",
    )


@router.post("/users/{user_id}/active")
def set_active(
    request: Request,
    session: DbSession,
    actor: WebActor,
    user_id: str,
    active: Annotated[bool, Form()],
) -> Response:
    return form_action(
        request,
        session,
        lambda: accounts.set_user_active(session, actor=actor, user_id=user_id, active=active),
        refused=lambda refusal: _users_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/users",
        flash="User reactivated." if active else "User deactivated.",
    )


@router.post("/users/{user_id}/reset-2fa")
def reset_2fa(
    request: Request, session: DbSession, settings: AppSettings, actor: WebActor, user_id: str
) -> Response:
    return form_action(
        request,
        session,
        lambda: second_factor.reset_second_factor(
            session, actor=actor, user_id=user_id, settings=settings
        ),
        refused=lambda refusal: _users_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/users",
        flash="Second factor cleared; the user enrols again at next login.",
    )


@router.post("/invitations/{invitation_id}/revoke")
def revoke_invitation(
    request: Request, session: DbSession, actor: WebActor, invitation_id: str
) -> Response:
    return form_action(
        request,
        session,
        lambda: invites.revoke_invitation(session, actor=actor, invitation_id=invitation_id),
        refused=lambda refusal: _users_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/users",
        flash="Invitation withdrawn.",
    )


@router.get("/invitations/{token}")
def accept_page(request: Request, session: DbSession, token: str) -> Response:
    invitation = invites.pending_invitation(session, token=token)
    return render(
        request,
        "invitation.html",
        {"title": "Join nohaven", "invitation": invitation, "token": token},
    )


@router.post("/invitations/{token}")
def accept(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    token: str,
    display_name: Annotated[str, Form(min_length=1, max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    password_again: Annotated[str, Form(max_length=1000)],
) -> Response:
    invitation = invites.pending_invitation(session, token=token)

    def join() -> User:
        if password != password_again:
            raise InvalidInput("The two passwords differ.")
        return accounts.accept_invitation(
            session,
            token=token,
            display_name=display_name,
            password=password,
            settings=settings,
        )

    return form_action(
        request,
        session,
        join,
        refused=lambda refusal: render(
            request,
            "invitation.html",
            {
                "title": "Join nohaven",
                "token": token,
                "invitation": invitation,
                "error": refusal.message,
            },
            status_code=422,
        ),
        redirect="/login",
        flash="Welcome: your account is ready. Log in to continue.",
    )
