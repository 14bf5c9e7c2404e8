"""`nohaven webhooks …`: an organisation admin's endpoints at the console — list them, read a
delivery log, pause, resume, rotate a secret. Each command names the admin it is done for
(`--as`); the same services as the pages and the API decide, and audit, what they may do.
`--json` prints one JSON document for scripts instead of a table."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from nohaven.auth import users as accounts
from nohaven.auth.actor import Actor
from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.errors import NohavenError, NotFound
from nohaven.keys.ring import data_keyring
from nohaven.webhooks import service
from nohaven.webhooks.schemas import AttemptRead, DeliveryRead, EndpointRead

webhooks_app = typer.Typer(
    help="Webhooks: an organisation's endpoints and their deliveries.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)

AsUser = Annotated[str, typer.Option("--as", help="act as this admin (e-mail)")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
EndpointId = Annotated[str, typer.Argument(help="the endpoint's id")]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(1)


def _actor(session: Session, email: str) -> Actor:
    actor = accounts.actor_for_email(session, email=email)
    if actor is None:
        raise NotFound(f"No active user {email}.")
    return actor


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, sort_keys=True, default=str))


def _endpoint_json(endpoint: Any) -> dict[str, Any]:
    return EndpointRead.model_validate(endpoint).model_dump(mode="json")


@webhooks_app.command("list")
def list_endpoints(ctx: typer.Context, as_user: AsUser, as_json: AsJson = False) -> None:
    """The endpoints of the admin's organisation."""
    try:
        with session_scope(settings_of(ctx)) as session:
            endpoints = service.list_endpoints(session, actor=_actor(session, as_user))
            if as_json:
                _print_json([_endpoint_json(e) for e in endpoints])
                return
            table = Table("url", "state", "failures", "kinds")
            table.add_column("id", overflow="fold", min_width=32)
            for e in endpoints:
                table.add_row(e.url, e.state, str(e.consecutive_failures), ", ".join(e.kinds), e.id)
            console.print(table)
    except NohavenError as exc:
        raise _fail(exc.detail) from None


@webhooks_app.command("deliveries")
def deliveries(
    ctx: typer.Context,
    endpoint_id: EndpointId,
    as_user: AsUser,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="how many, newest first")] = 50,
    as_json: AsJson = False,
) -> None:
    """An endpoint's delivery log, newest first, with each attempt's answer."""
    try:
        with session_scope(settings_of(ctx)) as session:
            _, log = service.delivery_log(
                session, actor=_actor(session, as_user), endpoint_id=endpoint_id, limit=limit
            )
            rows = [
                DeliveryRead.model_validate(line.delivery)
                .model_copy(
                    update={"history": [AttemptRead.model_validate(a) for a in line.attempts]}
                )
                .model_dump(mode="json")
                for line in log
            ]
            if as_json:
                _print_json(rows)
                return
            table = Table("created", "kind", "status", "attempts", "last answer")
            table.add_column("id", overflow="fold", min_width=20)
            for row in rows:
                answer = row["last_status_code"] or row["last_error"] or ""
                table.add_row(
                    row["created_at"][:19],
                    row["kind"],
                    row["status"],
                    str(row["attempts"]),
                    str(answer),
                    row["id"],
                )
            console.print(table)
    except NohavenError as exc:
        raise _fail(exc.detail) from None


@webhooks_app.command("pause")
def pause(
    ctx: typer.Context, endpoint_id: EndpointId, as_user: AsUser, as_json: AsJson = False
) -> None:
    """Stop sending to an endpoint; its events wait until it is resumed."""
    try:
        with session_scope(settings_of(ctx)) as session:
            endpoint = service.pause_endpoint(
                session, actor=_actor(session, as_user), endpoint_id=endpoint_id
            )
            shown = _endpoint_json(endpoint)
    except NohavenError as exc:
        raise _fail(exc.detail) from None
    _print_json(shown) if as_json else console.print(f"Paused {endpoint_id}.")


@webhooks_app.command("resume")
def resume(
    ctx: typer.Context, endpoint_id: EndpointId, as_user: AsUser, as_json: AsJson = False
) -> None:
    """Send to an endpoint again; what waited goes first, in order."""
    try:
        with session_scope(settings_of(ctx)) as session:
            endpoint = service.resume_endpoint(
                session, actor=_actor(session, as_user), endpoint_id=endpoint_id
            )
            shown = _endpoint_json(endpoint)
    except NohavenError as exc:
        raise _fail(exc.detail) from None
    _print_json(shown) if as_json else console.print(f"Resumed {endpoint_id}.")


@webhooks_app.command("rotate-secret")
def rotate_secret(
    ctx: typer.Context, endpoint_id: EndpointId, as_user: AsUser, as_json: AsJson = False
) -> None:
    """Make a new signing secret, shown once; the previous one signs too for the grace period
    (NOHAVEN_WEBHOOKS_SECRET_GRACE_HOURS)."""
    settings = settings_of(ctx)
    try:
        with session_scope(settings) as session:
            issued = service.rotate_secret(
                session,
                actor=_actor(session, as_user),
                endpoint_id=endpoint_id,
                keyring=data_keyring(settings),
                grace=timedelta(hours=settings.webhooks.secret_grace_hours),
            )
            shown = {**_endpoint_json(issued.endpoint), "secret": issued.secret}
    except NohavenError as exc:
        raise _fail(exc.detail) from None
    if as_json:
        _print_json(shown)
        return
    console.print(
        f"New secret (shown once): {issued.secret}\n"
        f"The previous one also signs until {shown['previous_secret_expires_at']}."
    )


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    app.add_typer(webhooks_app, name="webhooks")
