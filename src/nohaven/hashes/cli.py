"""Command-line commands of the hashes domain: `nohaven hashes …` and `nohaven scan`."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import httpx
import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy.orm import Session

from nohaven.auth import users as accounts
from nohaven.auth.actor import Actor
from nohaven.config import settings_of
from nohaven.db import engine_for, make_sessionmaker, session_scope
from nohaven.errors import NohavenError, NotFound
from nohaven.hashes import exchange, hash_cli, matching, scanning, service, sharing_cli
from nohaven.hashes.hashing import hash_files
from nohaven.keys.ring import data_keyring
from nohaven.kit.terminal import AsJson, Terminal, show

hashes_app = typer.Typer(help="Hash lists: import, export, list.", no_args_is_help=True)
console = Terminal()
err = Terminal(stderr=True)

AsUser = Annotated[str, typer.Option("--as", help="act as this user (e-mail)")]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(1)


def _actor(session: Session, email: str) -> Actor:
    actor = accounts.actor_for_email(session, email=email)
    if actor is None:
        raise NotFound(f"No active user {email}.")
    return actor


def _byte_progress() -> Progress:
    """A bar over the bytes of a file, shown in kB/MB."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@hashes_app.command("lists")
def lists(ctx: typer.Context, as_user: AsUser, as_json: AsJson = False) -> None:
    """The hash lists a user may see."""
    try:
        with session_scope(settings_of(ctx)) as session:
            actor = _actor(session, as_user)
            rows = [
                {"name": h.name, "label": h.tlp, "changes": h.change_seq, "id": h.id}
                for h in service.visible_lists(session, actor=actor)
            ]
    except NohavenError as exc:
        raise _fail(exc.detail) from None
    show(rows, columns=("name", "label", "changes", "id"), as_json=as_json)


class _CountingReader(io.RawIOBase):
    """A binary source that counts what was read from it, for the progress bar."""

    def __init__(self, source: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._source = source
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        self._on_read(len(data))
        return len(data)


_PHASES = {
    "reading": "reading and staging",
    "preparing": "checking against the list",
    "publishing": "publishing",
    "done": "done",
}


@hashes_app.command("import")
def import_file(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="a VICS (.json) or ThreatExchange/HMA (.csv) file; - for stdin")
    ],
    list_id: Annotated[str, typer.Option("--list", help="the list to import into (name or id)")],
    as_user: AsUser,
    fmt: Annotated[
        str | None, typer.Option("--format", help="vics or hma (default: by file extension)")
    ] = None,
) -> None:
    """Import a file into a list: all or nothing, with a report of every rejected record.

    The file is read and staged without holding up anyone else; the entries appear at once at
    the end, in one short transaction."""
    from_stdin = str(file) == "-"
    if not from_stdin and not file.is_file():
        raise _fail(f"{file} is not a file.")
    fmt = fmt or ("hma" if file.suffix.lower() == ".csv" else "vics")
    settings = settings_of(ctx)
    engine = engine_for(settings)
    try:
        with (
            nullcontext(sys.stdin.buffer) if from_stdin else file.open("rb") as source,
            _byte_progress() as progress,
        ):
            with session_scope(settings) as session:
                actor = _actor(session, as_user)
                list_id = service.list_id_named(session, actor=actor, ref=list_id)
            size = None if from_stdin else file.stat().st_size
            task = progress.add_task(f"{_PHASES['reading']}: {file.name}", total=size)

            def phase(name: str, entries: int) -> None:
                label = f"{_PHASES.get(name, name)}: {file.name}, {entries:,} entries"
                progress.update(task, description=label)

            reader = io.BufferedReader(
                _CountingReader(source, lambda n: progress.advance(task, n)), 1 << 16
            )
            report = exchange.import_file(
                make_sessionmaker(engine, keyring=data_keyring(settings)),
                actor=actor,
                list_id=list_id,
                fmt=fmt,
                source=reader,
                progress=phase,
            )
    except NohavenError as exc:
        raise _fail(exc.detail) from None
    finally:
        engine.dispose()
    if not report.committed:
        for number, reason in report.rejected:
            err.print(f"record {number}: {reason}")
        raise _fail(
            f"{report.rejected_count} records rejected; nothing was imported."
            if report.rejected_count
            else "the file holds no records; nothing was imported."
        )
    console.print(
        f"{_count(report.records, 'record')} imported as {_count(report.accepted, 'hash')}"
        f" ({report.added} new, {report.updated} updated, {report.duplicates} repeated in the"
        " file and counted once)."
    )


@hashes_app.command("export")
def export_file(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Option("--list", help="the list to export (name or id)")],
    as_user: AsUser,
    fmt: Annotated[str, typer.Option("--format", help="vics2, vics2-case, vics1 or hma")] = "vics2",
    output: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
) -> None:
    """Export a list's live entries."""
    try:
        with session_scope(settings_of(ctx)) as session:
            actor = _actor(session, as_user)
            list_id = service.list_id_named(session, actor=actor, ref=list_id)
            if output is None:
                count = exchange.export_file(
                    session, actor=actor, list_id=list_id, fmt=fmt, out=sys.stdout
                )
            else:
                with output.open("w", encoding="utf-8", newline="") as out:
                    count = exchange.export_file(
                        session, actor=actor, list_id=list_id, fmt=fmt, out=out
                    )
    except NohavenError as exc:
        raise _fail(exc.detail) from None
    err.print(f"{count} entries exported.")


def _print_scan(results: list[scanning.ScannedFile], as_json: bool) -> None:
    if as_json:
        for f in results:
            typer.echo(
                json.dumps(
                    {
                        "path": f.path,
                        "error": f.error,
                        "note": f.note,
                        "matches": [m.__dict__ for m in f.matches],
                    }
                )
            )
        return
    table = Table(
        "file", "list", "owner", "label", "classification", "series", "type", "distance", "doubts"
    )
    for f in results:
        for m in f.matches:
            table.add_row(
                f.path,
                m.list_name,
                m.owner,
                m.tlp,
                m.classification,
                m.series or "",
                m.signal_type,
                str(m.distance),
                "; ".join(m.flags),
            )
    matched = sum(1 for f in results if f.matches)
    errors = [f for f in results if f.error]
    if matched:
        console.print(table)
    no_pdq = sum(1 for f in results if f.note)
    console.print(
        f"{_count(len(results), 'file')} scanned, {matched} matched, "
        f"{len(errors)} unreadable"
        + (f", {no_pdq} matched by MD5, SHA-1 and SHA-256 only (no PDQ)." if no_pdq else ".")
    )
    for f in errors:
        err.print(f"[yellow]skipped[/] {f.path}: {f.error}")


def _count(n: int, noun: str) -> str:
    if n == 1:
        return f"{n} {noun}"
    return f"{n} {noun}es" if noun.endswith("sh") else f"{n} {noun}s"


def scan(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="files or folders to hash and match")],
    server: Annotated[
        str | None, typer.Option(help="nohaven server URL; without it, the local database")
    ] = None,
    token: Annotated[
        str | None, typer.Option(help="API token (or NOHAVEN_TOKEN)", show_default=False)
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="without --server: act as this user (e-mail)")
    ] = None,
    threshold: Annotated[int | None, typer.Option(help="PDQ distance threshold")] = None,
    workers: Annotated[
        int | None, typer.Option(help="hashing processes (default: all cores)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON line per file")] = False,
) -> None:
    """Hash files here and match the hashes (never the files) against the lists you may see."""

    try:
        files = scanning.expand(paths)
    except NohavenError as exc:
        raise _fail(exc.detail) from None
    token = token or os.environ.get("NOHAVEN_TOKEN")
    with _progress() as progress:
        task = progress.add_task("hashing and matching", total=len(files))

        def advance(_: scanning.ScannedFile) -> None:
            progress.advance(task)

        try:
            if server:
                if not token:
                    raise _fail("--server needs an API token: --token or NOHAVEN_TOKEN.")
                with httpx.Client(base_url=server.rstrip("/"), timeout=120) as client:
                    matcher = scanning.remote_matcher(client, token, pdq_threshold=threshold)
                    results = scanning.scan(
                        hash_files(files, workers=workers), matcher, on_file=advance
                    )
            else:
                if not as_user:
                    raise _fail("without --server, say whose lists to match: --as EMAIL.")
                settings = settings_of(ctx)
                with session_scope(settings) as session:
                    actor = _actor(session, as_user)
                    index = matching.HashIndex()
                    index.refresh(session)
                    matcher = scanning.local_matcher(
                        session, actor, index, settings=settings, pdq_threshold=threshold
                    )
                    results = scanning.scan(
                        hash_files(files, workers=workers), matcher, on_file=advance
                    )
        except NohavenError as exc:
            raise _fail(exc.detail) from None
        except httpx.HTTPError as exc:
            raise _fail(f"cannot reach {server}: {exc}") from None
    _print_scan(results, as_json)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    sharing_cli.register(hashes_app)
    app.add_typer(hashes_app, name="hashes")
    app.command("scan")(scan)
    hash_cli.register(app)
