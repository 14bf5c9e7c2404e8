"""The `nohaven` command: one Typer app, with a sub-app or commands per domain."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from nohaven.audit import cli as audit_cli
from nohaven.auth import cli as auth_cli
from nohaven.backup import cli as backup_cli
from nohaven.config import LOOPBACK_HOSTS, Settings, demo_mode, refusal, settings_of
from nohaven.db import MissingDatabase, session_scope
from nohaven.deconfliction import cli as deconfliction_cli
from nohaven.federation import cli as federation_cli
from nohaven.governance import cli as governance_cli
from nohaven.hashes import cli as hashes_cli
from nohaven.jobs import cli as jobs_cli
from nohaven.keys import cli as keys_cli
from nohaven.kit import i18n
from nohaven.kit.i18n import gettext as _
from nohaven.kit.terminal import Terminal
from nohaven.members import cli as members_cli
from nohaven.operations import cli as operations_cli
from nohaven.policy import cli as policy_cli
from nohaven.travel import cli as travel_cli
from nohaven.webhooks import cli as webhooks_cli

app = typer.Typer(
    help="nohaven: run the alliance and work across borders safely.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit chain.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")

console = Terminal()
err = Terminal(stderr=True)


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
        raise fail(_("refusing to start: %(why)s") % {"why": refusal(exc)}, code=2) from exc


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
        raise fail(_("refusing to start: %(why)s") % {"why": refusal(exc)}, code=2) from exc


# Each domain's commands: a sub-app (`nohaven travel …`) or commands of the root; in the
# order `nohaven --help` lists them.
for register in (
    auth_cli.register,
    members_cli.register,
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
    operations_cli.register,
    webhooks_cli.register,
):
    register(app)


def main() -> None:
    # Human messages in the person's locale, else the deployment's default (docs/languages.md).
    default = os.environ.get("NOHAVEN_DEFAULT_LANGUAGE", i18n.SOURCE_LANGUAGE)
    with i18n.speaking(i18n.terminal_language(dict(os.environ), default=default)):
        try:
            app()
        except MissingDatabase as exc:
            raise SystemExit(fail(str(exc), code=2).exit_code) from None
