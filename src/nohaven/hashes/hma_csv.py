"""The CSV of Meta's ThreatExchange tools and HMA: one signal per row.

``threatexchange dataset -P --csv`` writes ``signal_type,signal_str,collab,category,tags``
(tags separated by spaces); HMA bank exports use the same signal type names (``pdq``,
``video_md5``…). Any other column is kept as metadata. Rows stream in and out.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from nohaven.hashes.vics import Rejected

COLUMNS = ("signal_type", "signal_str", "collab", "category", "tags")
_VALUE_COLUMNS = ("signal_str", "signal_value", "signal", "hash")
# ThreatExchange names -> nohaven signal types
SIGNAL_TYPES = {
    "pdq": "pdq",
    "md5": "md5",
    "video_md5": "md5",
    "photo_md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "video_sha256": "sha256",
    "photodna": "photodna",
}
_VALUE_SHAPES = {
    "pdq": re.compile(r"\A[0-9a-f]{64}\Z"),
    "md5": re.compile(r"\A[0-9a-f]{32}\Z"),
    "sha1": re.compile(r"\A[0-9a-f]{40}\Z"),
    "sha256": re.compile(r"\A[0-9a-f]{64}\Z"),
    "photodna": re.compile(r"\A[A-Za-z0-9+/=,]+\Z"),
}


@dataclass(frozen=True)
class SignalRow:
    """One row: ``signal_type`` is nohaven's name (pdq, md5, sha1, sha256, photodna)."""

    signal_type: str
    signal_value: str
    collab: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()  # other columns, in file order


def read_hma_csv(lines: IO[str] | Iterable[str]) -> Iterator[SignalRow | Rejected]:
    """Rows of a ThreatExchange/HMA CSV (with a header row). ``record_number`` of a rejected
    row counts data rows from 1."""
    reader = csv.reader(_without_bom(lines))
    header = next(reader, None)
    if header is None:
        return
    names = [h.strip().lower() for h in header]
    if "signal_type" not in names or not any(c in names for c in _VALUE_COLUMNS):
        raise ValueError("not a ThreatExchange CSV: needs signal_type and signal_str columns")
    type_at = names.index("signal_type")
    value_at = next(names.index(c) for c in _VALUE_COLUMNS if c in names)
    known = {type_at, value_at}
    collab_at = names.index("collab") if "collab" in names else None
    category_at = names.index("category") if "category" in names else None
    tags_at = names.index("tags") if "tags" in names else None
    known |= {i for i in (collab_at, category_at, tags_at) if i is not None}
    for number, row in enumerate(reader, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            yield Rejected(number, f"{len(row)} columns, header has {len(names)}")
            continue
        raw_type = row[type_at].strip().lower()
        signal_type = SIGNAL_TYPES.get(raw_type)
        if signal_type is None:
            yield Rejected(number, f"unknown signal type {raw_type[:40]!r}")
            continue
        value = row[value_at].strip()
        if signal_type != "photodna":
            value = value.lower()
        if not _VALUE_SHAPES[signal_type].match(value):
            yield Rejected(number, f"malformed {signal_type} value")
            continue
        yield SignalRow(
            signal_type=signal_type,
            signal_value=value,
            collab=_cell(row, collab_at),
            category=_cell(row, category_at),
            tags=tuple((_cell(row, tags_at) or "").split()),
            metadata=tuple((header[i], row[i]) for i in range(len(row)) if i not in known),
        )


def _cell(row: list[str], at: int | None) -> str | None:
    if at is None:
        return None
    return row[at].strip() or None


def _without_bom(lines: IO[str] | Iterable[str]) -> Iterator[str]:
    first = True
    for line in lines:
        if first:
            line = line.removeprefix("\ufeff")
            first = False
        yield line


def write_hma_csv(
    rows: Iterable[SignalRow], out: IO[str], *, metadata_columns: Iterable[str] = ()
) -> int:
    """Write rows with the ThreatExchange header plus ``metadata_columns``; returns the count.

    md5 is written as ``video_md5`` and sha256 as ``video_sha256``, the names ThreatExchange
    and HMA use."""
    extra = list(metadata_columns)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, *extra])
    outgoing = {"md5": "video_md5", "sha256": "video_sha256"}
    count = 0
    for row in rows:
        meta = dict(row.metadata)
        writer.writerow(
            [
                outgoing.get(row.signal_type, row.signal_type),
                row.signal_value,
                row.collab or "",
                row.category or "",
                " ".join(row.tags),
                *(meta.get(column, "") for column in extra),
            ]
        )
        count += 1
    return count
