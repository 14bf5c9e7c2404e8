"""Command-line commands of the operations domain: `nohaven operations list|show|escalate|
purge` (the list and the show as the system, for the operator)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from nohaven.auth.actor import Actor
from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.errors import NohavenError
from nohaven.kit.terminal import AsJson, Terminal, show
from nohaven.operations import jobs, results, service
from nohaven.operations import repository as repo

operations_app = typer.Typer(
    help="Coordinated operations: programmes, referral escalation and purge.",
    no_args_is_help=True,
)
console = Terminal()
err = Terminal(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(1)


@operations_app.command("list")
def list_activities(
    ctx: typer.Context,
    body: Annotated[str, typer.Argument(help="the body: short name (slug) or id")],
    as_json: AsJson = False,
) -> None:
    """A body's programme: code names, phases and dates."""
    from nohaven.members import service as members

    actor = Actor.system("nohaven operations list")
    try:
        with session_scope(settings_of(ctx)) as session:
            found = members.get_body(session, actor=actor, body_id_or_slug=body)
            title = found.name
            rows = [
                {
                    "code name": a.code_name,
                    "kind": a.kind,
                    "phase": a.phase,
                    "starts": a.starts_on,
                    "ends": a.ends_on,
                    "id": a.id,
                }
                for a in repo.activities_of_bodies(session, [found.id])
            ]
    except NohavenError as exc:
        raise _fail(exc.detail) from exc
    show(
        rows,
        columns=("code name", "kind", "phase", "starts", "ends", "id"),
        as_json=as_json,
        title=title,
    )


@operations_app.command("results")
def show_results(
    ctx: typer.Context,
    activity_id: Annotated[str, typer.Argument(help="the operation: code name or id")],
    as_json: AsJson = False,
) -> None:
    """An operation's totals (figures only: what the joint statement is written from)."""
    actor = Actor.system("nohaven operations results")
    try:
        with session_scope(settings_of(ctx)) as session:
            named = repo.activity_ids_named(session, activity_id)
            if len(named) == 1:  # a code name two operations share asks for the id
                activity_id = named[0]
            activity = service.visible(session, actor=actor, activity_id=activity_id)
            totals = results.totals_of(session, activity)
            title = activity.code_name
            rows = [
                {"measure": results.LABELS[measure], "total": value}
                for measure, value in totals.model_dump().items()
            ]
    except NohavenError as exc:
        raise _fail(exc.detail) from exc
    show(rows, columns=("measure", "total"), as_json=as_json, title=title)


@operations_app.command("escalate")
def escalate(ctx: typer.Context) -> None:
    """Escalate referrals not acknowledged in time to the receivers' organisation admins."""
    try:
        with session_scope(settings_of(ctx)) as session:
            count = jobs.escalate_overdue(
                session, actor=Actor.system("nohaven operations escalate")
            )
    except SQLAlchemyError as exc:
        raise _fail(f"escalation failed: {type(exc).__name__}") from None
    console.print(f"Escalated {count} overdue referral(s).")


@operations_app.command("purge")
def purge(ctx: typer.Context) -> None:
    """Destroy what referrals and closed operations past retention hold about people."""
    settings = settings_of(ctx)
    try:
        with session_scope(settings) as session:
            count = jobs.purge_expired(
                session,
                actor=Actor.system("nohaven operations purge"),
                retention_days=settings.operations.referral_retention_days,
            )
    except SQLAlchemyError as exc:
        raise _fail(f"the purge failed: {type(exc).__name__}") from None
    console.print(f"Purged {count} referral(s) and operation(s).")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    app.add_typer(operations_app, name="operations")
