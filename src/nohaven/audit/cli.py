"""``nohaven audit verify | seal | export | keygen | checkpoint | checkpoints export``: the
chain (see `nohaven.audit.sealing`) and its signed checkpoints (`nohaven.audit.checkpoints`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from nohaven.audit import checkpoints, sealing
from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.config import Settings, settings_of
from nohaven.db import session_scope
from nohaven.kit.terminal import Terminal

console = Terminal()
err = Terminal(stderr=True)
checkpoints_app = typer.Typer(help="Signed checkpoints of the audit chain.", no_args_is_help=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


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


def checkpoint(ctx: typer.Context) -> None:
    """Seal what is committed and sign the chain's head now."""
    settings = settings_of(ctx)
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
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="the JSON file to write, for members to keep")],
) -> None:
    """Write every checkpoint (with its signature and public key) to FILE."""
    with session_scope(settings_of(ctx)) as session:
        kept = checkpoints.export(session)
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(kept, out, indent=1, sort_keys=True)
    console.print(f"Wrote {len(kept['checkpoints'])} checkpoints to {file}.")


def audit_verify(
    ctx: typer.Context,
    expected_head: Annotated[
        str | None,
        typer.Option(help="a head hash recorded elsewhere earlier: it must still be in the chain"),
    ] = None,
    max_unsealed_age: Annotated[
        float,
        typer.Option(help="seconds an entry may wait for the sealer before verify fails (exit 2)"),
    ] = 300.0,
    checkpoints_file: Annotated[
        Path | None,
        typer.Option(
            "--checkpoints", help="signed checkpoints exported earlier (audit checkpoints export)"
        ),
    ] = None,
    public_key: Annotated[
        list[str] | None,
        typer.Option(help="trust only checkpoints signed by this public key (hex); repeatable"),
    ] = None,
) -> None:
    """Walk the sealed chain; exit 1 naming the first bad entry if anything was altered, and
    report the entries not sealed yet. With --checkpoints, also exit 1 if the chain no longer
    holds each signed head: history rewritten even with every hash recomputed."""
    kept = _read_checkpoints(checkpoints_file) if checkpoints_file else None
    settings = settings_of(ctx)
    with session_scope(settings) as session:
        result = sealing.verify(session, expected_head=expected_head)
        head = sealing.sealed_head(session)
        if result.ok and kept is not None:
            trusted = _trusted_keys(settings, kept, public_key or [])
            found = checkpoints.verify_against(session, kept, trusted_keys=trusted)
            if not found.ok:
                raise _fail(f"audit history does not match the signed checkpoints: {found.reason}")
            console.print(f"All {found.checked} signed checkpoints match the chain.")
    if not result.ok:
        raise _fail(
            f"audit chain broken at entry {result.first_bad_seq}: {result.reason} "
            f"({result.checked} entries verified before it)"
        )
    console.print(
        f"Audit chain intact: {result.checked} sealed entries; head {head.seq} {head.entry_hash}."
    )
    age = result.unsealed_age_seconds()
    console.print(
        f"Not sealed yet: {result.unsealed} entries"
        + (f", the oldest written {age:.1f} s ago." if result.unsealed else ".")
    )
    if age > max_unsealed_age:
        raise _fail(
            f"entries have waited {age:.0f} s for the sealer (limit {max_unsealed_age:.0f} s): "
            "is the job runner running? (`nohaven jobs work`, or `nohaven audit seal`)",
            code=2,
        )


def _read_checkpoints(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail(f"cannot read the checkpoints file {path}: {exc}") from exc
    if not isinstance(loaded, dict):
        raise _fail(f"{path} is not an export of audit checkpoints")
    return loaded


def _trusted_keys(settings: Settings, kept: dict[str, Any], pinned: list[str]) -> set[str]:
    """Keys pinned on the command line, else the configured signing key's, else (trust on
    first use, said out loud) the keys named in the member's own kept file."""
    if pinned:
        return {k.strip().lower() for k in pinned}
    if settings.audit_signing_key_file is not None:
        try:
            key = checkpoints.load_key_file(settings.audit_signing_key_file)
            return {checkpoints.public_hex(key.public_key())}
        except checkpoints.CheckpointError:
            pass
    named = {str(c.get("public_key")) for c in kept.get("checkpoints", []) if isinstance(c, dict)}
    err.print(
        f"Trusting the key(s) named in the file ({', '.join(sorted(named))}); pin the "
        "published key with --public-key."
    )
    return named


def audit_seal(ctx: typer.Context) -> None:
    """Seal every committed entry now (the `audit.seal` job does this every few seconds)."""
    settings = settings_of(ctx)
    total = 0
    while True:  # one short transaction per batch, like the job
        with session_scope(settings) as session:
            sealed = sealing.seal(session)
            head = sealing.sealed_head(session)
        total += sealed
        if sealed < sealing.SEAL_BATCH:
            break
    console.print(f"Sealed {total} entries; head {head.seq} {head.entry_hash}.")


def audit_export(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file to write; stdout if omitted")
    ] = None,
) -> None:
    """Write the whole chain as JSON Lines (one entry per line, in order; entries not sealed
    yet come last, with a null seq)."""
    with session_scope(settings_of(ctx)) as session:
        out = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            written = 0
            for entry in audit.iter_export(session, actor=Actor.system("cli export")):
                out.write(json.dumps(entry, sort_keys=True) + "\n")
                written += 1
        finally:
            if output:
                out.close()
    if output:
        console.print(f"Wrote {written} entries to {output}.")


def register(app: typer.Typer) -> None:
    """Add these commands to the root CLI's ``audit`` group."""
    group = next(g.typer_instance for g in app.registered_groups if g.name == "audit")
    if group is None:  # pragma: no cover - the root CLI always defines it
        raise RuntimeError("the root CLI has no audit group")
    group.command("verify")(audit_verify)
    group.command("seal")(audit_seal)
    group.command("export")(audit_export)
    group.command("keygen")(keygen)
    group.command("checkpoint")(checkpoint)
    group.add_typer(checkpoints_app, name="checkpoints")
