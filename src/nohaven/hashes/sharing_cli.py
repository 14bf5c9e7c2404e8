"""`nohaven hashes export-rules | export-for | quarantine | flood-watch`: what hash sharing
needs beyond the lists themselves (see nohaven.hashes.jurisdiction and .quarantine)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from nohaven.auth import users as accounts
from nohaven.auth.actor import Actor
from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.errors import NohavenError
from nohaven.hashes import jurisdiction, quarantine, service
from nohaven.kit.terminal import AsJson, Terminal, show

console = Terminal()
err = Terminal(stderr=True)
AsUser = Annotated[str, typer.Option("--as", help="act as this user (e-mail)")]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(1)


def _actor(session: Session, email: str) -> Actor:
    actor = accounts.actor_for_email(session, email=email)
    if actor is None:
        raise _fail(f"no active user {email}")
    return actor


def export_rules(
    ctx: typer.Context,
    country: Annotated[str, typer.Argument(help="ISO 3166 code of the destination")],
    codes: Annotated[list[str], typer.Argument(help="allowed categories, scheme:code each")],
    as_user: AsUser,
) -> None:
    """Set the classifications a destination country may receive (the secretariat's rule)."""
    try:
        with session_scope(settings_of(ctx)) as session:
            allowed = jurisdiction.set_rules(
                session, actor=_actor(session, as_user), country=country, codes=codes
            )
    except NohavenError as exc:
        raise _fail(exc.detail) from exc
    console.print(
        f"{country.upper()} receives: {', '.join(sorted(f'{s}:{c}' for s, c in allowed))}"
    )


def export_for(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="the list (name or id)")],
    country: Annotated[str, typer.Argument(help="ISO 3166 code of the destination")],
    as_user: AsUser,
    fmt: Annotated[
        str, typer.Option("--format", help="vics2, vics1, vics2-cases or hma")
    ] = "vics2",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Export a list for a destination country: only what its rules allow; a report of the
    rest on stderr."""
    try:
        with session_scope(settings_of(ctx)) as session:
            actor = _actor(session, as_user)
            list_id = service.list_id_named(session, actor=actor, ref=list_id)
            if output is None:
                report = jurisdiction.export_for(
                    session, actor=actor, list_id=list_id, country=country, fmt=fmt, out=sys.stdout
                )
            else:
                with output.open("w", encoding="utf-8", newline="") as out:
                    report = jurisdiction.export_for(
                        session, actor=actor, list_id=list_id, country=country, fmt=fmt, out=out
                    )
    except NohavenError as exc:
        raise _fail(exc.detail) from exc
    err.print(
        f"{report.written} entries written for {report.country} ({', '.join(report.allowed)})"
    )
    for why, count in sorted(report.left_out.items()):
        err.print(f"left out: {count} — {why}")


def quarantine_list(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="the list (name or id)")],
    as_user: AsUser,
    as_json: AsJson = False,
) -> None:
    """The list's entries held after a flood of matches, awaiting review."""
    with session_scope(settings_of(ctx)) as session:
        try:
            actor = _actor(session, as_user)
            list_id = service.list_id_named(session, actor=actor, ref=list_id)
            held = quarantine.open_for_list(session, actor=actor, list_id=list_id)
        except NohavenError as exc:
            raise _fail(exc.detail) from exc
        rows = [
            {"quarantine": q.id, "entry": q.entry_id, "since": q.since, "reason": q.reason}
            for q in held
        ]
    show(rows, columns=("quarantine", "entry", "since", "reason"), as_json=as_json)


def quarantine_review(
    ctx: typer.Context,
    quarantine_id: str,
    outcome: Annotated[str, typer.Argument(help="release or tombstone")],
    as_user: AsUser,
) -> None:
    """End a quarantine: release the entry, or tombstone it as benign."""
    try:
        with session_scope(settings_of(ctx)) as session:
            held = quarantine.review(
                session,
                actor=_actor(session, as_user),
                quarantine_id=quarantine_id,
                outcome=outcome,
            )
            console.print(f"Entry {held.entry_id}: {held.outcome}.")
    except NohavenError as exc:
        raise _fail(exc.detail) from exc


def flood_watch(ctx: typer.Context) -> None:
    """Look for floods of matches now (the job runner does it every few minutes)."""
    with session_scope(settings_of(ctx)) as session:
        held = quarantine.watch(session, rule=quarantine.FloodRule())
    console.print(f"{held} entries quarantined.")


def register(hashes_app: typer.Typer) -> None:
    hashes_app.command("export-rules")(export_rules)
    hashes_app.command("export-for")(export_for)
    hashes_app.command("quarantine")(quarantine_list)
    hashes_app.command("quarantine-review")(quarantine_review)
    hashes_app.command("flood-watch")(flood_watch)
