"""``nohaven orgs list | create | show`` and ``nohaven bodies list | show``: the directory
from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.errors import NohavenError
from nohaven.kit.terminal import AsJson, console, fail, show

orgs_app = typer.Typer(help="Member organisations.", no_args_is_help=True)
bodies_app = typer.Typer(help="Bodies: alliances and reference groups.", no_args_is_help=True)


@orgs_app.command("list")
def orgs_list(
    ctx: typer.Context, kind: str | None = None, country: str | None = None, as_json: AsJson = False
) -> None:
    """List member organisations."""
    from nohaven.auth.actor import Actor
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        cli_actor = Actor.system("cli")
        found = service.list_organisations(session, actor=cli_actor, kind=kind, country=country)
        rows = [
            {
                "name": o.name,
                "short": o.short_name,
                "kind": o.kind,
                "country": o.country,
                "id": o.id,
            }
            for o in found
        ]
    show(rows, columns=("name", "short", "kind", "country", "id"), as_json=as_json)


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
def orgs_show(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(help="full name, short name or id")],
    as_json: AsJson = False,
) -> None:
    """An organisation and its seats, past and present."""
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        org = service.find_organisation(session, name_or_id=name_or_id)
        if org is None:
            raise fail(f"no organisation {name_or_id!r}")
        if not as_json:
            console.print(f"[bold]{org.name}[/] ({org.kind}, {org.country or 'no country'})")
        rows = [
            {"body": m.body.name, "role": m.role, "from": m.start_date, "until": m.end_date}
            for m in service.seats_of_organisation(session, organisation_id=org.id)
        ]
    show(rows, columns=("body", "role", "from", "until"), as_json=as_json)


@bodies_app.command("list")
def bodies_list(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List bodies with today's chair."""
    from nohaven.auth.actor import Actor
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        rows = [
            {
                "slug": e.body.slug,
                "name": e.body.name,
                "kind": e.body.kind,
                "seats": len(e.current),
                "chair": e.chair.organisation.name if e.chair else None,
                "id": e.body.id,
            }
            for e in service.directory(session, actor=Actor.system("cli"))
        ]
    show(rows, columns=("slug", "name", "kind", "seats", "chair"), as_json=as_json)


@bodies_app.command("show")
def bodies_show(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="short name (slug), full name or id")],
    as_json: AsJson = False,
) -> None:
    """A body: members today and the chair history."""
    from nohaven.auth.actor import Actor
    from nohaven.members import service

    wanted = slug.lower()
    with session_scope(settings_of(ctx)) as session:
        entry = next(
            (
                e
                for e in service.directory(session, actor=Actor.system("cli"))
                if wanted in (e.body.slug.lower(), e.body.name.lower(), e.body.id)
            ),
            None,
        )
        if entry is None:
            raise fail(f"no body {slug!r}")
        members = [
            {"organisation": m.organisation.name, "role": m.role, "since": m.start_date}
            for m in entry.current
        ]
        chairs = [
            {"chair": m.organisation.name, "from": m.start_date, "until": m.end_date}
            for m in entry.chair_history
        ]
        name = entry.body.name
    if as_json:
        typer.echo(json.dumps({"name": name, "members": members, "chairs": chairs}, default=str))
        return
    console.print(f"[bold]{name}[/]")
    show(members, columns=("organisation", "role", "since"), as_json=False)
    show(chairs, columns=("chair", "from", "until"), as_json=False, title="Chairs")


def register(app: typer.Typer) -> None:
    app.add_typer(orgs_app, name="orgs")
    app.add_typer(bodies_app, name="bodies")
