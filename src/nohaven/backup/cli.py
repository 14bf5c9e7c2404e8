"""``nohaven backup FILE`` and ``nohaven restore FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from nohaven.backup import service
from nohaven.backup.archive import ArchiveError
from nohaven.backup.database import DatabaseError
from nohaven.config import settings_of
from nohaven.kit.crypto import SealError
from nohaven.kit.terminal import Terminal

console = Terminal()
err = Terminal(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(1)


def _progress(label: str) -> tuple[Progress, list[TaskID]]:
    bar = Progress(
        f"[progress.description]{label}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
    )
    return bar, []


def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="the archive to write (replaced if it exists)")],
) -> None:
    """Write a consistent, encrypted archive of the whole database (key: NOHAVEN_DATA_KEY)."""
    settings = settings_of(ctx)
    bar, task = _progress("Encrypting")
    try:
        with bar:
            header = service.make_backup(
                settings,
                file,
                on_start=lambda total: task.append(bar.add_task("", total=total)),
                on_chunk=lambda n: bar.advance(task[0], n),
            )
    except (DatabaseError, ArchiveError, SealError, OSError) as exc:
        raise _fail(f"no backup was written: {exc}") from exc
    console.print(
        f"Wrote {file} ({header.backend}, {header.payload_bytes} bytes before encryption, "
        f"{header.audit_entries} audit entries). It opens with data key {header.key_id}: keep "
        "that key for as long as you keep the archive."
    )


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="an archive written by `nohaven backup`")],
) -> None:
    """Restore an archive into the empty database of NOHAVEN_DATABASE_URL, then check its
    audit chain and every sealed value."""
    settings = settings_of(ctx)
    bar, task = _progress("Decrypting")
    try:
        with bar:
            report = service.restore(
                settings,
                file,
                on_start=lambda total: task.append(bar.add_task("", total=total)),
                on_chunk=lambda n: bar.advance(task[0], n),
            )
    except (DatabaseError, ArchiveError, SealError, OSError) as exc:
        raise _fail(f"nothing was restored: {exc}") from exc
    console.print(f"Restored the archive of {report.header.created_at} ({report.header.backend}).")
    if not report.audit_ok:
        raise _fail(f"the restored audit chain does not verify: {report.audit_reason}")
    if report.sealed_failed:
        raise _fail(f"{report.sealed_failed} sealed value(s) do not open with the configured keys")
    console.print(
        f"Audit chain intact: {report.audit_entries} entries. "
        f"All {report.sealed_opened} sealed values open."
    )


def register(app: typer.Typer) -> None:
    """Add the commands to the root `nohaven` app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
