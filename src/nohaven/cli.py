"""The `nohaven` command: one Typer app, with a sub-app or commands per domain."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from nohaven.audit import cli as audit_cli
from nohaven.backup import cli as backup_cli
from nohaven.config import LOOPBACK_HOSTS, Settings, demo_mode, refusal, settings_of
from nohaven.db import session_scope
from nohaven.deconfliction import cli as deconfliction_cli
from nohaven.errors import NohavenError
from nohaven.federation import cli as federation_cli
from nohaven.governance import cli as governance_cli
from nohaven.hashes import cli as hashes_cli
from nohaven.jobs import cli as jobs_cli
from nohaven.keys import cli as keys_cli
from nohaven.policy import cli as policy_cli
from nohaven.travel import cli as travel_cli

app = typer.Typer(
    help="nohaven: run the alliance and work across borders safely.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit chain.", no_args_is_help=True)
orgs_app = typer.Typer(help="Member organisations.", no_args_is_help=True)
bodies_app = typer.Typer(help="Bodies: alliances and reference groups.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(orgs_app, name="orgs")
app.add_typer(bodies_app, name="bodies")

console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    # soft_wrap: a command in the message (how to make a key) must stay copyable, unbroken.
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


@app.callback()
def load_settings(ctx: typer.Context) -> None:
    """Build the settings once, from the environment, for every command (``settings_of``);
    refuse to run any command with weak or malformed ones (demo mode brings its own)."""
    if ctx.invoked_subcommand == "demo" or isinstance(ctx.obj, Settings):
        return  # a test may hand in its own settings: CliRunner().invoke(app, ..., obj=...)
    try:
        ctx.obj = Settings()
    except ValidationError as exc:
        raise fail("refusing to start: " + refusal(exc), code=2) from exc


def upgrade_database(settings: Settings) -> None:
    from nohaven import migrate

    migrate.upgrade(settings.database_url)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply every migration that has not run yet."""
    settings = settings_of(ctx)
    upgrade_database(settings)
    console.print(f"Database at the latest schema ({settings.database_url.split('@')[-1]}).")


def _proxy_options(settings: Settings) -> dict[str, Any]:
    # Only a configured proxy may name the client: the address is what login throttling
    # counts, and a forged X-Forwarded-For must not let anyone pick a fresh one.
    return {
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": ",".join(settings.trusted_proxies) or None,
    }


def _run_server(settings: Settings) -> None:
    import uvicorn

    from nohaven.limits import server_options
    from nohaven.main import create_app

    if settings.workers > 1:
        # Each worker process builds its own app (and matching index) from the environment;
        # uvicorn's supervisor restarts a worker that dies. They share nothing but the
        # database: see docs/jobs.md, "Several processes and hosts".
        uvicorn.run(
            "nohaven.main:app_from_environment",
            factory=True,
            workers=settings.workers,
            host=settings.host,
            port=settings.port,
            log_level="info",
            **_proxy_options(settings),
            **server_options(settings),
        )
        return
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        **_proxy_options(settings),
        **server_options(settings),
    )


@app.command()
def serve(
    ctx: typer.Context,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="server processes (default NOHAVEN_WORKERS, or 1)"),
    ] = None,
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="port")] = None,
) -> None:
    """Run the web server (migrations are applied at start)."""
    settings = settings_of(ctx)
    overrides = {"workers": workers, "host": host, "port": port}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    if (
        settings.plain_http_on_loopback
        and not settings.demo
        and settings.host not in LOOPBACK_HOSTS
    ):
        raise fail(
            f"refusing to serve plain HTTP on {settings.host}: NOHAVEN_PLAIN_HTTP_ON_LOOPBACK "
            "is only for 127.0.0.1, ::1 or localhost",
            code=2,
        )
    upgrade_database(settings)
    if settings.workers > 1:
        # uvicorn's workers build their app from the environment (app_from_environment):
        # what this command line changed must be there too, or a worker would run with other
        # settings than the ones checked above.
        for name, value in overrides.items():
            if value is not None:
                os.environ[f"NOHAVEN_{name.upper()}"] = str(value)
    _run_server(settings)


@app.command()
def demo(
    serve_too: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server after loading.")
    ] = True,
) -> None:
    """Load the demo data (idempotent) and start the platform in demo mode."""
    from nohaven.demo import load_demo
    from nohaven.members.demo import DEMO_PASSWORD, DEMO_USERS

    try:
        with demo_mode() as settings:
            upgrade_database(settings)
            with session_scope(settings) as session:
                first = load_demo(session, settings=settings)
            console.print(
                "Demo data " + ("loaded." if first else "already present; nothing changed.")
            )
            table = Table(title=f"Demo accounts (password for all: {DEMO_PASSWORD})")
            for column in ("e-mail", "organisation", "roles"):
                table.add_column(column)
            for user in DEMO_USERS:
                table.add_row(
                    user.email, user.organisation_short, ", ".join(r.value for r in user.roles)
                )
            console.print(table)
            console.print("Law-enforcement accounts set up a second factor (TOTP) at first login.")
            if serve_too:
                console.print(f"Serving at http://{settings.host}:{settings.port}")
                _run_server(settings)
    except ValidationError as exc:
        raise fail("refusing to start: " + refusal(exc), code=2) from exc


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
    ctx: typer.Context, organisation: Annotated[str | None, typer.Option()] = None
) -> None:
    """List users."""
    from nohaven.auth import users as accounts
    from nohaven.auth.actor import Actor
    from nohaven.members import service

    with session_scope(settings_of(ctx)) as session:
        org = service.find_organisation(session, name_or_id=organisation) if organisation else None
        if organisation and org is None:
            raise fail(f"no organisation named {organisation!r}")
        table = Table("e-mail", "name", "organisation", "roles", "active", "2FA")
        for u in accounts.list_users(session, actor=Actor.system("cli")):
            if org is not None and u.organisation_id != org.id:
                continue
            table.add_row(
                u.email,
                u.display_name,
                u.organisation.name,
                ", ".join(u.roles),
                "yes" if u.is_active else "no",
                "yes" if u.totp_enabled_at else "no",
            )
        console.print(table)


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


# Each domain's commands: a sub-app (`nohaven travel …`) or commands of the root; in the
# order `nohaven --help` lists them.
for register in (
    audit_cli.register,
    jobs_cli.register,
    keys_cli.register,
    backup_cli.register,
    hashes_cli.register,
    federation_cli.register,
    deconfliction_cli.register,
    travel_cli.register,
    governance_cli.register,
    policy_cli.register,
):
    register(app)


def main() -> None:
    app()
