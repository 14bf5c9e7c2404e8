"""What every command prints through: consoles that never cut a name or an id, tables whose
cells fold instead of ending in "…", and the same rows as JSON for ``--json``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.console import Console, ConsoleDimensions
from rich.table import Table

# Output read by a program or a pager (a pipe, a file, a test's runner) is as wide as its
# longest row: a name wrapped over two lines, or an id folded, cannot be grepped or copied.
PIPE_WIDTH = 1000


class Terminal(Console):
    """A console as wide as the terminal when there is one, and unbounded otherwise
    (COLUMNS alone, set in many CI runners, would otherwise wrap piped output at 80)."""

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        if self.is_terminal or self._explicit_width:
            return size
        return ConsoleDimensions(max(size.width, PIPE_WIDTH), size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._explicit_width = True
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]

    @property
    def width(self) -> int:
        return self.size.width

    @width.setter
    def width(self, width: int) -> None:
        self._explicit_width = True
        self._width = width

    _explicit_width = False


console = Terminal()
err = Terminal(stderr=True)

# ``--json`` on every listing command: the rows a table shows, as one JSON array.
AsJson = Annotated[bool, typer.Option("--json", help="print the rows as JSON instead of a table")]


def fail(message: str, code: int = 1) -> typer.Exit:
    # soft_wrap: a command in the message (how to make a key) must stay copyable, unbroken.
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


def table(*columns: str, title: str | None = None) -> Table:
    """A Rich table whose cells fold at the edge of a narrow terminal rather than being
    ellipsised: an id or a name is shown whole or not at all."""
    grid = Table(title=title)
    for column in columns:
        grid.add_column(column, overflow="fold")
    return grid


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def show(
    rows: Iterable[Mapping[str, Any]],
    *,
    columns: Sequence[str],
    as_json: bool,
    title: str | None = None,
) -> None:
    """Print ``rows`` as a table of ``columns`` (keys of each row), or all of each row's keys
    as JSON with ``--json``: one listing, two readers."""
    materialised = list(rows)
    if as_json:
        typer.echo(json.dumps([_plain(dict(row)) for row in materialised], indent=2))
        return
    grid = table(*columns, title=title)
    for row in materialised:
        grid.add_row(*(_cell(row.get(column)) for column in columns))
    console.print(grid)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
