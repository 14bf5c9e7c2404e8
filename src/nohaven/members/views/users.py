"""An organisation's users (roles, deactivation, second-factor reset) and invitations,
from sending one to joining by its link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from nohaven.auth import second_factor
from nohaven.auth import users as accounts
from nohaven.auth.deps import DbSession, WebActor, require_role
from nohaven.config import AppSettings
from nohaven.errors import InvalidInput, NohavenError
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.members import invitations as invites
from nohaven.members import service
from nohaven.members.models import (
    User,
    UserRole,
)
from nohaven.members.schemas import InvitationCreate
from nohaven.web.confirm import CONFIRMED, Confirmed, ask_first
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter(include_in_schema=False)


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
            "title": _("Users"),
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
        # Refused: the form again as it was typed, with what to change.
        refused=lambda refusal: _users_page(
            request,
            session,
            actor,
            error=_("The invitation was not created. %(reason)s") % {"reason": refusal.message},
            typed={"email": email, "organisation_id": organisation_id, "roles": roles or []},
            status_code=refusal.status_code,
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
        flash=N_("Roles updated."),
    )


@router.post("/users/{user_id}/active")
def set_active(
    request: Request,
    session: DbSession,
    actor: WebActor,
    user_id: str,
    active: Annotated[bool, Form()],
    confirmed: Confirmed = "",
) -> Response:
    if not active and confirmed != CONFIRMED:
        return ask_first(
            request,
            question=_(
                "Deactivate this user? They can no longer log in or use their API tokens; "
                "you can reactivate them later."
            ),
            button=_("Deactivate"),
            back="/users",
            fields={"active": "false"},
        )
    return form_action(
        request,
        session,
        lambda: accounts.set_user_active(session, actor=actor, user_id=user_id, active=active),
        refused=lambda refusal: _users_page(
            request, session, actor, error=refusal.message, status_code=refusal.status_code
        ),
        redirect="/users",
        flash=N_("User reactivated.")
        if active
        else N_("User deactivated. Reactivate them from the same row to undo this."),
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
        flash=N_("Second factor cleared; the user enrols again at next login."),
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
        flash=N_("Invitation withdrawn."),
    )


@router.get("/invitations/{token}")
def accept_page(request: Request, session: DbSession, token: str) -> Response:
    invitation = invites.pending_invitation(session, token=token)
    return render(
        request,
        "invitation.html",
        {"title": _("Join nohaven"), "invitation": invitation, "token": token},
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
            raise InvalidInput(N_("The two passwords differ."))
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
                "title": _("Join nohaven"),
                "token": token,
                "invitation": invitation,
                "error": refusal.message,
            },
            status_code=422,
        ),
        redirect="/login",
        flash=N_("Welcome: your account is ready. Log in to continue."),
    )
