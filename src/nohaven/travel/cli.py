"""Command-line commands of the travel domain: `nohaven travel purge|escalate`."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from nohaven.auth.actor import Actor
from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.kit.terminal import Terminal
from nohaven.travel import jobs

travel_app = typer.Typer(
    help="Travel notifications: retention and escalation.", no_args_is_help=True
)
console = Terminal()
err = Terminal(stderr=True)


@travel_app.command("purge")
def purge(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option(
            help="Retention after the travel ends (default: NOHAVEN_TRAVEL_RETENTION_DAYS)"
        ),
    ] = None,
) -> None:
    """Destroy the personal data of notifications whose travel ended beyond retention."""
    settings = settings_of(ctx)
    retention = settings.travel_retention_days if days is None else days
    if retention < 0:
        err.print("[bold red]error:[/] the retention must be zero or more days")
        raise typer.Exit(2)
    try:
        with session_scope(settings) as session:
            count = jobs.purge_expired(
                session, actor=Actor.system("nohaven travel purge"), retention_days=retention
            )
    except SQLAlchemyError as exc:
        err.print(f"[bold red]error:[/] the database could not be purged: {type(exc).__name__}")
        raise typer.Exit(1) from None
    console.print(f"Purged {count} travel notification(s) ended more than {retention} days ago.")


@travel_app.command("escalate")
def escalate(ctx: typer.Context) -> None:
    """Escalate acknowledgements that are overdue to the receivers' organisation admins."""
    settings = settings_of(ctx)
    try:
        with session_scope(settings) as session:
            count = jobs.escalate_overdue(
                session,
                actor=Actor.system("nohaven travel escalate"),
                ack_hours=settings.travel_ack_hours,
            )
    except SQLAlchemyError as exc:
        err.print(f"[bold red]error:[/] escalation failed: {type(exc).__name__}")
        raise typer.Exit(1) from None
    console.print(f"Escalated {count} overdue acknowledgement(s).")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    app.add_typer(travel_app, name="travel")
