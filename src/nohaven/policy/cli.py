"""Command-line commands of the policy domain: `nohaven policy …`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from nohaven.auth import users as accounts
from nohaven.auth.actor import Actor
from nohaven.config import settings_of
from nohaven.db import session_scope
from nohaven.errors import NohavenError
from nohaven.kit.terminal import AsJson, Terminal, show
from nohaven.policy import criteria, exchange, gaps

policy_app = typer.Typer(
    help="Legislative criteria, country assessments and gap analysis.", no_args_is_help=True
)
console = Terminal()
err = Terminal(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(1)


def _problems(exc: NohavenError) -> str:
    lines = [exc.detail]
    for e in exc.errors[:50]:
        where = f"row {e['row']} " if "row" in e else ""
        lines.append(f"  {where}{e.get('field', '')}: {e.get('message', '')}")
    return "\n".join(lines)


@policy_app.command("load-criteria")
def load_criteria(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(help="A criteria JSON file; the shipped framework when omitted."),
    ] = None,
) -> None:
    """Load the criteria framework; an edited file becomes a new version in force."""
    try:
        text = file.read_text("utf-8") if file else criteria.shipped_text()
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror}") from exc
    try:
        with session_scope(settings_of(ctx)) as session:
            framework, created = criteria.load_framework(
                session,
                actor=Actor.system("cli"),
                text=text,
                source=str(file or criteria.DEFAULT_FILE),
            )
            version, count = framework.version, len(framework.criteria)
    except NohavenError as exc:
        raise _fail(_problems(exc)) from exc
    state = "loaded as a new version" if created else "unchanged: already in force"
    console.print(f"Criteria framework version {version} ({count} criteria) {state}.")


@policy_app.command("import")
def import_file(
    ctx: typer.Context,
    file: Path,
    user: Annotated[str, typer.Option("--as", "--user", help="E-mail of the assessing user.")],
    submit: Annotated[bool, typer.Option(help="Submit the rows for review at once.")] = False,
) -> None:
    """Import assessments (CSV or JSON, by extension) as drafts of the user's organisation;
    nothing is written if any row is invalid."""
    fmt = file.suffix.lower().lstrip(".")
    try:
        text = file.read_text("utf-8")
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror}") from exc
    try:
        with session_scope(settings_of(ctx)) as session:
            actor = accounts.actor_for_email(session, email=user)
            if actor is None:
                raise _fail(f"no active user {user}")
            report = exchange.import_assessments(
                session, actor=actor, text=text, fmt=fmt, submit=submit
            )
    except NohavenError as exc:
        raise _fail(_problems(exc)) from exc
    console.print(f"Imported {report.created} assessment(s).")


@policy_app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD; today when omitted")] = None,
) -> None:
    """Print the approved assessments in force (as of a date) as CSV or JSON."""
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise _fail("--as-of must be YYYY-MM-DD") from exc
    if fmt not in {"csv", "json"}:
        raise _fail("--format must be csv or json")
    with session_scope(settings_of(ctx)) as session:
        rows = exchange.export_rows(session, actor=Actor.system("cli export"), as_of=day)
    text = exchange.export_csv(rows) if fmt == "csv" else exchange.export_json(rows, day)
    typer.echo(text, nl=False)


@policy_app.command("safe-havens")
def safe_havens(
    ctx: typer.Context,
    region: Annotated[str | None, typer.Option(help="UN M49 region, e.g. Africa")] = None,
    body: Annotated[str | None, typer.Option(help="Only members of this body (slug)")] = None,
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    as_json: AsJson = False,
) -> None:
    """List the countries failing any core criterion."""
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise _fail("--as-of must be YYYY-MM-DD") from exc
    try:
        with session_scope(settings_of(ctx)) as session:
            result = gaps.safe_havens(
                session, actor=Actor.system("cli"), as_of=day, region=region, body=body
            )
            rows = [
                {
                    "country": f"{r.country.name} ({r.country.code})",
                    "code": r.country.code,
                    "core criteria failed": list(r.failed_core),
                }
                for r in result.countries
            ]
            title = f"Safe havens as of {result.analysis.as_of}"
    except NohavenError as exc:
        raise _fail(exc.detail) from exc
    show(rows, columns=("country", "core criteria failed"), as_json=as_json, title=title)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    app.add_typer(policy_app, name="policy")
