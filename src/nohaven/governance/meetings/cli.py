"""Command-line commands of meetings: `nohaven meetings …`."""

from __future__ import annotations

import sys

import typer
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.errors import InvalidInput, NohavenError
from nohaven.governance.bodies.service import body_by_ref, body_slugs
from nohaven.governance.meetings import ics, service
from nohaven.kit.terminal import AsJson, fail, show
from nohaven.kit.terminal import console as out
from nohaven.kit.terminal import err as console

meetings_app = typer.Typer(help="Meetings of the alliance's bodies.", no_args_is_help=True)


def _meeting_id(session: Session, actor: Actor, ref: str) -> str:
    """A meeting named by its id or by its title (any case); a title two meetings share is
    refused with a hint, never a guess."""
    wanted = ref.strip().casefold()
    titled = [
        m.id for m in service.list_meetings(session, actor=actor) if m.title.casefold() == wanted
    ]
    if len(titled) > 1:
        raise InvalidInput(f"{len(titled)} meetings are called {ref!r}: give the id instead.")
    return titled[0] if titled else ref


@meetings_app.command("ics")
def export_ics(
    ctx: typer.Context, meeting: str = typer.Argument(help="the meeting: its title or id")
) -> None:
    """Print one meeting as an iCalendar file (redirect it to a .ics file)."""
    try:
        with session_scope(settings_of(ctx)) as session:
            actor = Actor.system("cli")
            found = service.get_meeting(
                session, actor=actor, meeting_id=_meeting_id(session, actor, meeting)
            )
            text = ics.meeting_ics(
                found,
                body_name=body_by_ref(session, found.body_id).name,
                agenda=service.agenda(session, meeting=found),
            )
    except NohavenError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
    sys.stdout.buffer.write(text.encode("utf-8"))


@meetings_app.command("list")
def list_meetings(
    ctx: typer.Context,
    body: str = typer.Option("", help="body: short name (slug) or id"),
    as_json: AsJson = False,
) -> None:
    """Meetings, with the dates each body's cadence proposes next."""
    try:
        with session_scope(settings_of(ctx)) as session:
            actor = Actor.system("cli")
            found = body_by_ref(session, body) if body else None
            slugs = body_slugs(session)
            rows = [
                {
                    "title": m.title,
                    "body": slugs.get(m.body_id, ""),
                    "starts (UTC)": m.starts_at.strftime("%Y-%m-%d %H:%M"),
                    "status": m.status,
                    "id": m.id,
                }
                for m in service.list_meetings(
                    session, actor=actor, body_id=found.id if found else None
                )
            ]
            dates = service.proposed_dates(session, body=found) if found is not None else []
    except NohavenError as exc:
        raise fail(exc.detail) from exc
    show(rows, columns=("title", "body", "starts (UTC)", "status", "id"), as_json=as_json)
    if dates and not as_json:
        out.print("Proposed next: " + ", ".join(d.isoformat() for d in dates))
