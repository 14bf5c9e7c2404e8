"""`nohaven hash PATH…`: hash files on this machine; only hashes are written out."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from nohaven.hashes.hashing import FileHashes, hash_files, iter_files
from nohaven.hashes.vics import MediaRecord, write_vics
from nohaven.kit.terminal import Terminal

CSV_COLUMNS = ("path", "size", "md5", "sha1", "sha256", "pdq", "pdq_quality", "error")


class OutputFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    vics = "vics"


def _media(result: FileHashes, roots: list[Path]) -> MediaRecord:
    path = Path(result.path)
    relative = result.path
    for root in roots:
        if root.is_dir() and path.is_relative_to(root):
            relative = path.relative_to(root).as_posix()
            break
    return MediaRecord(
        md5=result.md5,
        sha1=result.sha1,
        sha256=result.sha256,
        pdq=result.pdq,
        media_size=result.size,
        relative_file_path=relative,
    )


def hash_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (walked recursively).")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="csv, jsonl or vics (VICS 2.0).")
    ] = OutputFormat.csv,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", min=1, help="Processes (default: all cores).")
    ] = None,
) -> None:
    """Compute MD5, SHA-1, SHA-256 and, for images, PDQ with quality. Files never leave this
    machine; unreadable or unsupported files are reported with a reason and skipped."""
    errors = Terminal(stderr=True)
    files = list(iter_files(paths))
    try:
        handle: IO[str] = (
            output.open("w", encoding="utf-8", newline="") if output is not None else sys.stdout
        )
    except OSError as exc:
        errors.print(f"[red]cannot write {output}: {exc.strerror or exc}[/red]")
        raise typer.Exit(2) from exc
    problems: list[FileHashes] = []
    hashed = 0
    with Progress(
        TextColumn("hashing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as progress:
        task = progress.add_task("hash", total=len(files))

        def results() -> Iterator[FileHashes]:
            nonlocal hashed
            for result in hash_files(files, workers=workers):
                progress.advance(task)
                if result.error:
                    problems.append(result)
                if result.readable:
                    hashed += 1
                    yield result

        try:
            _write(results(), output_format, handle, paths)
        finally:
            if output is not None:
                handle.close()
            else:
                handle.flush()
    unreadable = [p for p in problems if not p.readable]
    no_pdq = [p for p in problems if p.readable]
    for problem in problems:
        errors.print(
            f"{problem.path}: {problem.error}", markup=False, highlight=False, soft_wrap=True
        )
    errors.print(
        f"{hashed} of {len(files)} files hashed; {len(unreadable)} unreadable; "
        f"{len(no_pdq)} without PDQ."
    )


def _write(
    results: Iterator[FileHashes], fmt: OutputFormat, handle: IO[str], roots: list[Path]
) -> None:
    if fmt is OutputFormat.csv:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for result in results:
            writer.writerow(["" if v is None else v for v in dataclasses.astuple(result)])
    elif fmt is OutputFormat.jsonl:
        for result in results:
            handle.write(json.dumps(dataclasses.asdict(result), ensure_ascii=False) + "\n")
    else:
        write_vics((_media(r, roots) for r in results), handle, version="2.0", kind="Media")


def register(app: typer.Typer) -> None:
    """Add `hash` to the given Typer app."""
    app.command("hash")(hash_command)
