"""``nohaven orgs list | create | show`` and ``nohaven bodies list | show``: the directory
from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.errors import NohavenError

console = Console()
err = Console(stderr=True)
orgs_app = typer.Typer(help="Member organisations.", no_args_is_help=True)
bodies_app = typer.Typer(help="Bodies: alliances and reference groups.", no_args_is_help=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


@orgs_app.command("list")
def orgs_list(ctx: typer.Context, kind: str | None = None, country: str | None = None) -> None:
    """List member organisations."""
    from nohaven.auth.actor import Actor
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        table = Table("name", "short", "kind", "country", "id")
        cli_actor = Actor.system("cli")
        for o in service.list_organisations(session, actor=cli_actor, kind=kind, country=country):
            table.add_row(o.name, o.short_name or "", o.kind, o.country or "", o.id)
        console.print(table)


@orgs_app.command("create")
def orgs_create(
    ctx: typer.Context,
    name: str,
    kind: Annotated[
        str,
        typer.Option(
            help="law_enforcement, government, intergovernmental, ngo, industry or hotline"
        ),
    ],
    country: Annotated[str | None, typer.Option(help="ISO 3166 code or name")] = None,
    short_name: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create an organisation (as the system: for the secretariat's own, at set-up)."""
    from nohaven.auth.actor import Actor
    from nohaven.members import service
    from nohaven.members.schemas import OrganisationCreate

    try:
        data = OrganisationCreate.model_validate(
            {"name": name, "kind": kind, "country": country, "short_name": short_name}
        )
        with session_scope(settings_of(ctx)) as session:
            org = service.create_organisation(session, actor=Actor.system("cli"), data=data)
            console.print(
                f"Created {org.name} ({org.kind}, {org.country or 'no country'}): {org.id}"
            )
    except NohavenError as exc:
        raise fail(exc.detail) from exc
    except ValueError as exc:
        raise fail(str(exc)) from exc


@orgs_app.command("show")
def orgs_show(ctx: typer.Context, name_or_id: str) -> None:
    """An organisation and its seats, past and present."""
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        org = service.find_organisation(session, name_or_id=name_or_id)
        if org is None:
            raise fail(f"no organisation {name_or_id!r}")
        console.print(f"[bold]{org.name}[/] ({org.kind}, {org.country or 'no country'})")
        table = Table("body", "role", "from", "until")
        for m in service.seats_of_organisation(session, organisation_id=org.id):
            table.add_row(m.body.name, m.role, str(m.start_date), str(m.end_date or "—"))
        console.print(table)


@bodies_app.command("list")
def bodies_list(ctx: typer.Context) -> None:
    """List bodies with today's chair."""
    from nohaven.auth.actor import Actor
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        table = Table("slug", "name", "kind", "seats", "chair")
        for e in service.directory(session, actor=Actor.system("cli")):
            table.add_row(
                e.body.slug,
                e.body.name,
                e.body.kind,
                str(len(e.current)),
                e.chair.organisation.name if e.chair else "—",
            )
        console.print(table)


@bodies_app.command("show")
def bodies_show(ctx: typer.Context, slug: str) -> None:
    """A body: members today and the chair history."""
    from nohaven.auth.actor import Actor
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        entry = next(
            (
                e
                for e in service.directory(session, actor=Actor.system("cli"))
                if e.body.slug == slug
            ),
            None,
        )
        if entry is None:
            raise fail(f"no body {slug!r}")
        console.print(f"[bold]{entry.body.name}[/]")
        table = Table("organisation", "role", "since")
        for m in entry.current:
            table.add_row(m.organisation.name, m.role, str(m.start_date))
        console.print(table)
        chairs = Table("chair", "from", "until", title="Chairs")
        for m in entry.chair_history:
            chairs.add_row(m.organisation.name, str(m.start_date), str(m.end_date or "today"))
        console.print(chairs)


def register(app: typer.Typer) -> None:
    app.add_typer(orgs_app, name="orgs")
    app.add_typer(bodies_app, name="bodies")
