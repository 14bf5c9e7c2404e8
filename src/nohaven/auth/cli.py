"""``nohaven users create | list`` and ``nohaven tokens create``: accounts and API tokens,
made by the operator as the system."""

from __future__ import annotations

from typing import Annotated

import typer

from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.errors import NohavenError
from nohaven.kit.terminal import AsJson, console, err, fail, show

users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)


@users_app.command("create")
def users_create(
    ctx: typer.Context,
    email: str,
    organisation: Annotated[str, typer.Option(help="organisation name or id")],
    role: Annotated[list[str], typer.Option(help="repeat for several roles")],
    name: Annotated[str, typer.Option(help="display name")] = "",
    password: Annotated[
        str | None,
        typer.Option(
            help="omit to be asked (not echoed); never put real passwords in shell history"
        ),
    ] = None,
) -> None:
    """Create a user (as the system: for the first secretariat admin and for scripts)."""
    from nohaven.auth import users as accounts
    from nohaven.auth.actor import Actor
    from nohaven.members import service
    from nohaven.members.schemas import UserCreate

    secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = settings_of(ctx)
    try:
        with session_scope(settings) as session:
            org = service.find_organisation(
                session, name_or_id=organisation
            ) or service.get_organisation(
                session, actor=Actor.system("cli"), organisation_id=organisation
            )
            data = UserCreate.model_validate(
                {
                    "email": email,
                    "display_name": name or email,
                    "organisation_id": org.id,
                    "roles": role,
                    "password": secret,
                }
            )
            user = accounts.create_user(
                session, actor=Actor.system("cli"), data=data, settings=settings
            )
            console.print(f"Created {user.email} ({', '.join(user.roles)}) in {org.name}.")
    except NohavenError as exc:
        raise fail(exc.detail) from exc
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise fail(str(exc)) from exc


@users_app.command("list")
def users_list(
    ctx: typer.Context,
    organisation: Annotated[
        str | None, typer.Option(help="full name, short name or id of the organisation")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """List users."""
    from nohaven.auth import users as accounts
    from nohaven.auth.actor import Actor
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        org = service.find_organisation(session, name_or_id=organisation) if organisation else None
        if organisation and org is None:
            raise fail(f"no organisation named {organisation!r}")
        rows = [
            {
                "e-mail": u.email,
                "name": u.display_name,
                "organisation": u.organisation.name,
                "roles": list(u.roles),
                "active": u.is_active,
                "2FA": u.totp_enabled_at is not None,
                "id": u.id,
            }
            for u in accounts.list_users(session, actor=Actor.system("cli"))
            if org is None or u.organisation_id == org.id
        ]
    show(
        rows, columns=("e-mail", "name", "organisation", "roles", "active", "2FA"), as_json=as_json
    )


@tokens_app.command("create")
def tokens_create(
    ctx: typer.Context,
    email: Annotated[str, typer.Option(help="the user the token acts as")],
    name: Annotated[str, typer.Option(help="what the token is for")],
    scope: Annotated[list[str], typer.Option(help="read, write or admin; repeatable")],
    days: int = 90,
) -> None:
    """Create an API token for a user; the secret is printed once."""
    from nohaven.auth import service as auth_service
    from nohaven.auth import users as accounts

    settings = settings_of(ctx)
    with session_scope(settings) as session:
        user = accounts.find_user(session, email=email)
        if user is None or not user.is_active:
            raise fail(f"no active user {email!r}")
        try:
            issued = auth_service.create_api_token(
                session,
                actor=auth_service.actor_for(session, user),
                name=name,
                scopes=scope,
                days=days,
                max_days=settings.api_token_max_days,
            )
        except NohavenError as exc:
            raise fail(exc.detail) from exc
        err.print(
            f"Token {issued.token.prefix} for {user.email}, expires "
            f"{issued.token.expires_at:%Y-%m-%d}. Store it now; it is not shown again:"
        )
        print(issued.secret)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
