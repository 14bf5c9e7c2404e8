"""``nohaven audit keygen | checkpoint | checkpoints export`` (signed checkpoints, see
`nohaven.audit.checkpoints`); ``audit verify --checkpoints`` is beside the other audit
commands in the root CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nohaven.audit import checkpoints
from nohaven.auth.actor import Actor
from nohaven.config import get_settings
from nohaven.db import session_scope

console = Console()
err = Console(stderr=True)
checkpoints_app = typer.Typer(help="Signed checkpoints of the audit chain.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(1)


def keygen(
    file: Annotated[Path, typer.Argument(help="where to write the private key (mode 0600)")],
) -> None:
    """Make the Ed25519 audit signing key. Keep the file off the database host's backups of
    the database; publish the public key to the members."""
    try:
        public = checkpoints.generate_key_file(file)
    except FileExistsError as exc:
        raise _fail(f"{file} exists; a signing key is never overwritten") from exc
    except OSError as exc:
        raise _fail(f"cannot write {file}: {exc.strerror}") from exc
    console.print(
        f"Wrote the audit signing key to {file}. Set NOHAVEN_AUDIT_SIGNING_KEY_FILE={file}.\n"
        f"Public key (give it to the members, to pin with --public-key): {public}"
    )


def checkpoint() -> None:
    """Seal what is committed and sign the chain's head now."""
    settings = get_settings()
    try:
        key = checkpoints.load_key_file(settings.audit_signing_key_file)
    except checkpoints.CheckpointError as exc:
        raise _fail(exc.detail) from exc
    with session_scope(settings) as session:
        written = checkpoints.checkpoint_now(session, key, actor=Actor.system("cli checkpoint"))
    console.print(
        f"Signed the audit chain's head at entry {written.seq} ({written.entry_hash}) "
        f"with key {written.public_key}."
    )


@checkpoints_app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="the JSON file to write, for members to keep")],
) -> None:
    """Write every checkpoint (with its signature and public key) to FILE."""
    with session_scope(get_settings()) as session:
        kept = checkpoints.export(session)
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(kept, out, indent=1, sort_keys=True)
    console.print(f"Wrote {len(kept['checkpoints'])} checkpoints to {file}.")


def register(app: typer.Typer) -> None:
    """Add these commands to the root CLI's ``audit`` group."""
    group = next(g.typer_instance for g in app.registered_groups if g.name == "audit")
    if group is None:  # pragma: no cover - the root CLI always defines it
        raise RuntimeError("the root CLI has no audit group")
    group.command("keygen")(keygen)
    group.command("checkpoint")(checkpoint)
    group.add_typer(checkpoints_app, name="checkpoints")
