"""Exchange files in and out of lists: VICS (1.x and 2.0) and the ThreatExchange/HMA CSV,
through the engine's streaming readers and writers.

A VICS Media record carries several hashes of one file; each becomes its own entry with the
record's metadata. The VICS US category becomes a ``vics_us`` classification; an export writes
the VICS category where the cross-walk is exact and keeps the entry's own classification in a
``nohaven:<scheme>:<code>`` tag, so a round trip loses nothing.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from typing import IO, Literal

from sqlalchemy.orm import Session, sessionmaker

from nohaven.auth.actor import Actor
from nohaven.errors import InvalidInput
from nohaven.hashes import classification, feed, hma_csv, importing, vics, vics_reader
from nohaven.hashes.models import HashEntry, HashList

IMPORT_FORMATS = ("vics", "hma")
EXPORT_FORMATS = {
    "vics2": ("VICS 2.0 hash set", "application/json", "json"),
    "vics2-case": ("VICS 2.0 case export", "application/json", "json"),
    "vics1": ("VICS 1.x case export", "application/json", "json"),
    "hma": ("ThreatExchange/HMA CSV", "text/csv", "csv"),
}
TAG_PREFIX = "nohaven:"
_HASH_FIELDS = ("md5", "sha1", "sha256", "pdq", "photodna")


def _classification_from_tags(tags: tuple[str, ...]) -> tuple[str, str] | None:
    for tag in tags:
        if tag.startswith(TAG_PREFIX):
            scheme, _, code = tag.removeprefix(TAG_PREFIX).partition(":")
            try:
                found = classification.normalise(scheme, code)
            except InvalidInput:
                continue
            if found[0] is not None and found[1] is not None:
                return found[0], found[1]
    return None


def _media_records(
    record: vics.MediaRecord, number: int, templates: importing.Templates
) -> Iterator[importing.Record]:
    tagged = _classification_from_tags(record.tags)
    if tagged is not None:
        scheme, code = tagged
    elif record.category is None:
        scheme, code = None, None
    elif 0 <= record.category <= 4:
        scheme, code = "vics_us", str(record.category)
    else:
        yield importing.Record(
            number, reject=f"Category {record.category} is not a VICS US category (0-4)"
        )
        return
    fields = {
        "classification_scheme": scheme,
        "classification": code,
        "series": record.series,
        "victim_identified": bool(record.victim_identified),
        "offender_identified": bool(record.offender_identified),
        "source": f"VICS case {record.case_id}" if record.case_id else "VICS import",
        "comment": (record.comments or "")[:4000],
    }
    for kind in _HASH_FIELDS:
        value = getattr(record, kind)
        if value:
            yield templates.record(number, kind, value, fields)


def read_vics_records(source: IO[bytes]) -> Iterator[importing.Record]:
    number = 0
    templates = importing.Templates()
    try:
        for item in vics_reader.read_vics(source):
            number += 1
            if isinstance(item, vics.Rejected):
                yield importing.Record(item.record_number, reject=item.reason)
            else:
                yield from _media_records(item, number, templates)
    except vics.VicsFormatError as exc:
        raise InvalidInput(f"Not a readable VICS file: {exc}") from None


def read_hma_records(source: IO[bytes]) -> Iterator[importing.Record]:
    lines = codecs.getreader("utf-8")(source)
    number = 0
    templates = importing.Templates()
    try:
        for item in hma_csv.read_hma_csv(lines):
            number += 1
            if isinstance(item, vics.Rejected):
                yield importing.Record(item.record_number, reject=item.reason)
                continue
            scheme, code, comment = None, None, ""
            if item.category:
                try:
                    scheme, code = classification.normalise(*item.category.split(":", 1))
                except (InvalidInput, TypeError):
                    comment = f"category: {item.category}"
            fields = {
                "classification_scheme": scheme,
                "classification": code,
                "source": f"HMA CSV ({item.collab})" if item.collab else "HMA CSV",
                "comment": comment,
            }
            yield templates.record(number, item.signal_type, item.signal_value, fields)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"Not a readable ThreatExchange/HMA CSV: {exc}") from None


def import_file(
    sessions: sessionmaker[Session],
    *,
    actor: Actor,
    list_id: str,
    fmt: str,
    source: IO[bytes],
    progress: importing.ProgressFn | None = None,
) -> importing.Report:
    """Import a file into a list through its own transactions (see :mod:`importing`)."""
    if fmt not in IMPORT_FORMATS:
        raise InvalidInput(f"Unknown import format {fmt!r}: one of {', '.join(IMPORT_FORMATS)}.")
    records = read_vics_records(source) if fmt == "vics" else read_hma_records(source)
    return importing.import_records(
        sessions,
        actor=actor,
        list_id=list_id,
        records=records,
        format_name=fmt,
        progress=progress,
    )


def _media(entry: HashEntry) -> vics.MediaRecord:
    tags: tuple[str, ...] = ()
    if entry.classification_scheme and entry.classification:
        tags = (f"{TAG_PREFIX}{entry.classification_scheme}:{entry.classification}",)

    def value(kind: str) -> str | None:
        return entry.value if entry.signal_type == kind else None

    return vics.MediaRecord(
        md5=value("md5"),
        sha1=value("sha1"),
        sha256=value("sha256"),
        pdq=value("pdq"),
        photodna=value("photodna"),
        category=classification.vics_category(entry.classification_scheme, entry.classification),
        victim_identified=entry.victim_identified,
        offender_identified=entry.offender_identified,
        series=entry.series,
        tags=tags,
        comments=entry.comment or None,
        media_id=entry.id,
    )


def _signal_row(entry: HashEntry, hash_list: HashList) -> hma_csv.SignalRow:
    code = (
        f"{entry.classification_scheme}:{entry.classification}"
        if entry.classification_scheme and entry.classification
        else None
    )
    return hma_csv.SignalRow(
        signal_type=entry.signal_type,
        signal_value=entry.value,
        collab=hash_list.name,
        category=code,
    )


def export_file(
    session: Session,
    *,
    actor: Actor,
    list_id: str,
    fmt: str,
    out: IO[str],
    keep: Callable[[HashEntry], bool] | None = None,
) -> int:
    """Write the list's live entries (those ``keep`` accepts) to ``out`` as they are read;
    returns how many."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"Unknown export format {fmt!r}: one of {', '.join(EXPORT_FORMATS)}.")
    hash_list, everything = feed.export_entries(session, actor=actor, list_id=list_id)
    entries = everything if keep is None else (e for e in everything if keep(e))
    if fmt == "hma":
        return hma_csv.write_hma_csv((_signal_row(e, hash_list) for e in entries), out)
    version: Literal["1", "2.0"] = "1" if fmt == "vics1" else "2.0"
    kind: Literal["Media", "Cases"] = "Media" if fmt == "vics2" else "Cases"
    case = vics.CaseInfo(case_id=hash_list.id, case_number=hash_list.name)
    return vics.write_vics((_media(e) for e in entries), out, version=version, kind=kind, case=case)
