"""``nohaven keys …``: make a data key, see which keys hold the sealed values, check that each
opens, and rotate the key-encryption key (see `nohaven.keys.rotation` for the procedure)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeRemainingColumn

from nohaven.auth.actor import Actor
from nohaven.config import Settings, settings_of
from nohaven.db import create_db_engine, make_sessionmaker, require_database, session_scope
from nohaven.keys import rotation, service
from nohaven.keys.ring import data_keyring
from nohaven.kit.crypto import Keyring, SealError, new_key
from nohaven.kit.terminal import AsJson, Terminal, show

keys_app = typer.Typer(help="Data keys: rotation and checks of sealed personal data.")
console = Terminal()
err = Terminal(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(1)


def _ring(settings: Settings) -> Keyring:
    try:
        return data_keyring(settings)
    except SealError as exc:
        raise _fail(f"NOHAVEN_DATA_KEY or NOHAVEN_DATA_KEYS_PREVIOUS: {exc}") from exc


@keys_app.command("new")
def keys_new() -> None:
    """Print a fresh key-encryption key (base64 of 32 random bytes) and its id."""
    key = new_key()
    err.print(f"Key id {Keyring.from_config(key).current_id}. Keep the key secret:")
    print(key)


@keys_app.command("status")
def keys_status(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Which key each sealed value is under, and the configured keys."""
    settings = settings_of(ctx)
    ring = _ring(settings)
    with session_scope(settings) as session:
        counts = service.census(session)
    rows = []
    for kid, count in sorted(counts.items()):
        if kid == ring.current_id:
            where = "current"
        elif kid == service.FORMAT_1:
            where = "old format: opened by whichever key fits; `keys rotate` updates it"
        else:
            where = "previous" if kid in ring.ids else "missing"
        rows.append({"key id": kid, "sealed values": count, "configured": where})
    show(rows, columns=("key id", "sealed values", "configured"), as_json=as_json)
    if not as_json:
        previous = ", ".join(ring.ids[1:]) or "—"
        console.print(f"Current key: {ring.current_id}; previous: {previous}")


@keys_app.command("check")
def keys_check(ctx: typer.Context) -> None:
    """Open every sealed value with the configured keys; exit 1 naming any that does not."""
    settings = settings_of(ctx)
    ring = _ring(settings)
    with session_scope(settings) as session:
        report = service.check(session, ring, actor=Actor.system("keys check"))
    for table, column, row_id, why in report.failures[:20]:
        err.print(f"{table}.{column} row {row_id}: {why}")
    if not report.ok:
        raise _fail(f"{len(report.failures)} sealed value(s) do not open ({report.opened} do)")
    console.print(f"All {report.opened} sealed values open with the configured keys.")


@keys_app.command("rotate")
def keys_rotate(
    ctx: typer.Context,
    batch_size: Annotated[int, typer.Option(min=1, max=10000, help="rows per transaction")] = 500,
) -> None:
    """Re-wrap every sealed value under NOHAVEN_DATA_KEY; re-run to resume after a stop."""
    settings = settings_of(ctx)
    ring = _ring(settings)
    require_database(settings)
    engine = create_db_engine(settings.database_url)
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )
    task: list[TaskID] = []

    def started(total: int, done: int) -> None:
        task.append(progress.add_task("Re-wrapping rows", total=total, completed=done))

    try:
        with progress:
            report = rotation.rotate(
                make_sessionmaker(engine, keyring=ring),
                ring,
                batch_size=batch_size,
                on_start=started,
                on_batch=lambda rows: progress.advance(task[0], rows),
            )
    except (SealError, rotation.RotationInterrupted) as exc:
        raise _fail(f"{exc}. Progress is kept: run the command again to resume.") from exc
    finally:
        engine.dispose()
    verb = "Resumed and finished" if report.resumed else "Finished"
    console.print(
        f"{verb} rotation to key {report.target_key_id}: {report.rewrapped} value(s) "
        f"re-wrapped in this run; {sum(report.census.values())} sealed value(s) in all are "
        "under the current key. The previous keys may now be removed from "
        "NOHAVEN_DATA_KEYS_PREVIOUS."
    )


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root `nohaven` app."""
    app.add_typer(keys_app, name="keys")
