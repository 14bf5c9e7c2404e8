"""Command-line commands of the deconfliction domain: ``nohaven deconflict …``.

Key rotation, the documented procedure:

1. ``nohaven deconflict new-key > new.key`` on the server (keep it as secret as the old one).
2. Point ``NOHAVEN_OPRF_KEY_FILE`` (or ``NOHAVEN_OPRF_KEY``) at the new key.
3. ``nohaven deconflict rotate-key``: opens a new key epoch. Registrations of older epochs stop
   matching at once; every organisation holding some is asked, in its inbox, to register its
   open cases again (``nohaven deconflict register`` with the same files).
4. Restart the servers. Until step 3 is done, a server with the new key refuses to evaluate,
   so tokens of two keys never mix unnoticed.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from nohaven.config import Settings, settings_of
from nohaven.db import session_scope
from nohaven.deconfliction import cases, client
from nohaven.deconfliction.selectors import InvalidSelector, Selector, normalise
from nohaven.errors import NohavenError
from nohaven.kit.terminal import Terminal

deconflict = typer.Typer(help="Blind deconfliction: register selectors, rotate the key.")
console = Terminal()
err = Terminal(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(1)


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


def read_selectors(path: Path, *, region: str) -> tuple[list[Selector], list[Rejected]]:
    """CSV with a header: ``type,value`` and optionally ``platform`` (usernames) and ``seen``
    (the UTC date, for IP addresses). Every row is validated before anything is sent."""
    selectors: list[Selector] = []
    rejected: list[Rejected] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"type", "value"} <= set(reader.fieldnames):
            raise ValueError("the CSV needs a header with at least the columns type,value")
        for line, row in enumerate(reader, start=2):
            try:
                seen = date.fromisoformat(row["seen"]) if row.get("seen") else None
                selectors.append(
                    normalise(
                        row.get("type") or "",
                        row.get("value") or "",
                        platform=row.get("platform") or None,
                        region=region,
                        seen=seen,
                    )
                )
            except InvalidSelector as exc:
                rejected.append(Rejected(line, str(exc)))
            except ValueError:
                rejected.append(Rejected(line, "the seen column is not a date (YYYY-MM-DD)"))
    return selectors, rejected


def _parse_card(pairs: list[str]) -> dict[str, str]:
    card = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"contact card entries are name=value, not {pair!r}")
        card[name.strip()] = value.strip()
    if not card:
        raise ValueError("give the case officer's contact card, e.g. --contact name=… ")
    return card


@deconflict.command("register")
def register_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    case: Annotated[str, typer.Option("--case", help="your agency's opaque case reference")],
    contact: Annotated[
        list[str], typer.Option(help="contact card entry name=value (repeat); sealed")
    ],
    server: Annotated[str | None, typer.Option(help="server URL, e.g. https://nohaven…")] = None,
    token: Annotated[
        str | None, typer.Option(envvar="NOHAVEN_API_TOKEN", help="API token (read+write)")
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="local mode: act as this user (e-mail)")
    ] = None,
    handling_code: Annotated[str, typer.Option(help="H0, H1, H2 or H3")] = "H1",
    masked: Annotated[bool, typer.Option(help="be told of hits first; reveal later")] = False,
    region: Annotated[str, typer.Option(help="default region for national phone numbers")] = "GB",
    batch: Annotated[int, typer.Option(min=1, max=10000)] = client.DEFAULT_BATCH,
    skip_invalid: Annotated[bool, typer.Option(help="register the valid rows anyway")] = False,
) -> None:
    """Register the selectors of FILE.csv under a case. Selectors are normalised and blinded
    here; the server sees blinded elements and match tokens only."""
    try:
        selectors, rejected = read_selectors(file, region=region)
        card = _parse_card(contact)
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from exc
    for bad in rejected[:20]:
        err.print(f"line {bad.line}: {bad.reason}")
    if rejected and not skip_invalid:
        raise _fail(f"{len(rejected)} invalid rows; nothing was sent (or use --skip-invalid).")
    if not selectors:
        raise _fail("no valid selectors in the file")
    if (server is None) == (as_user is None):
        raise _fail("give either --server URL --token … or --as EMAIL (local mode)")
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("Registering", total=len(selectors))

        def advance(n: int) -> None:
            progress.advance(task, n)

        try:
            if server is not None:
                if not token:
                    raise _fail("an API token is needed: --token or NOHAVEN_API_TOKEN")
                transport = client.HttpTransport(server, token)
                try:
                    report, _ = client.register_selectors(
                        transport,
                        selectors=selectors,
                        case_reference=case,
                        handling_code=handling_code,
                        contact_card=card,
                        masked=masked,
                        batch_size=batch,
                        progress=advance,
                    )
                finally:
                    transport.close()
            else:
                report = _register_locally(
                    settings_of(ctx),
                    as_user or "",
                    selectors,
                    case,
                    handling_code,
                    card,
                    masked,
                    batch,
                    advance,
                )
        except client.ClientError as exc:
            raise _fail(f"the server refused: {exc}") from exc
        except NohavenError as exc:
            raise _fail(exc.detail) from exc
    console.print(
        f"Registered {report.registered} selectors under {case!r} "
        f"({report.duplicates} already there, key epoch {report.key_epoch}); "
        f"{report.hits} hits to review in your inbox."
    )


def _register_locally(
    settings: Settings,
    email: str,
    selectors: list[Selector],
    case: str,
    handling_code: str,
    card: dict[str, str],
    masked: bool,
    batch: int,
    advance: Callable[[int], None],
) -> client.RegistrationReport:
    from nohaven.auth import users as accounts
    from nohaven.deconfliction.keys import server_key
    from nohaven.deconfliction.local import LocalTransport

    with session_scope(settings) as session:
        actor = accounts.actor_for_email(session, email=email)
        if actor is None:
            raise _fail(f"no active user {email}")
        transport = LocalTransport(
            session, actor, server_key(settings), limits=settings.deconfliction
        )
        report, _ = client.register_selectors(
            transport,
            selectors=selectors,
            case_reference=case,
            handling_code=handling_code,
            contact_card=card,
            masked=masked,
            batch_size=batch,
            progress=advance,
        )
    return report


@deconflict.command("cards")
def cards(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    server: Annotated[str, typer.Option(help="server URL")],
    token: Annotated[str, typer.Option(envvar="NOHAVEN_API_TOKEN", help="API token")],
    region: Annotated[str, typer.Option(help="default region for national phone numbers")] = "GB",
) -> None:
    """Open the counterparts' contact cards of your hits. FILE.csv holds the selectors you
    registered; they are evaluated again (counting against your quota) to re-derive the
    contact keys, which never leave this machine."""
    try:
        selectors, rejected = read_selectors(file, region=region)
    except (ValueError, OSError) as exc:
        raise _fail(str(exc)) from exc
    for bad in rejected[:20]:
        err.print(f"line {bad.line} skipped: {bad.reason}")
    if not selectors:
        raise _fail("no valid selectors in the file")
    transport = client.HttpTransport(server, token)
    try:
        derived: list[client.Derived] = []
        for start in range(0, len(selectors), client.DEFAULT_BATCH):
            blinded = client.blind_all(selectors[start : start + client.DEFAULT_BATCH])
            _epoch, evaluated = transport.evaluate([b.element for b in blinded])
            derived.extend(client.finish_all(blinded, evaluated))
        by_token = {d.token for d in derived}
        opened = 0
        for hit in transport.hits():
            if hit["own"]["token"] not in by_token:
                continue
            for card in client.open_hit_cards(hit, derived):
                opened += 1
                entries = ", ".join(f"{k}: {v}" for k, v in card.items())
                console.print(f"hit {hit['hit_id']} ({hit['own']['case_reference']}): {entries}")
    except client.ClientError as exc:
        raise _fail(str(exc)) from exc
    finally:
        transport.close()
    console.print(f"Opened {opened} contact cards.")


@deconflict.command("new-key")
def new_key() -> None:
    """Print a fresh OPRF key seed (64 hex digits) for NOHAVEN_OPRF_KEY or a key file."""
    print(secrets.token_hex(32))


@deconflict.command("rotate-key")
def rotate_key(ctx: typer.Context) -> None:
    """Open a new key epoch for the newly configured key; clients must register again."""
    from nohaven.auth.actor import Actor
    from nohaven.deconfliction import epochs
    from nohaven.deconfliction.keys import server_key

    settings = settings_of(ctx)
    try:
        with session_scope(settings) as session:
            epoch = epochs.rotate_key(
                session, actor=Actor.system("deconflict rotate-key"), key=server_key(settings)
            )
            console.print(
                f"Key epoch {epoch.epoch} started. Older registrations no longer match; their "
                "organisations were asked to register again."
            )
    except NohavenError as exc:
        raise _fail(exc.detail) from exc


@deconflict.command("purge")
def purge(ctx: typer.Context) -> None:
    """Delete expired registrations now (the server also does it at start and daily)."""
    from nohaven.auth.actor import Actor

    with session_scope(settings_of(ctx)) as session:
        deleted = cases.purge_expired(session, actor=Actor.system("deconflict purge"))
    console.print(f"Deleted {deleted} expired registrations.")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    app.add_typer(deconflict, name="deconflict")
