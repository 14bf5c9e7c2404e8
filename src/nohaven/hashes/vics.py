"""Project VIC (VICS) JSON: the records nohaven exchanges in it, and writing them as a
stream. Reading is in `vics_reader`.

Hash sets (``#Media``: ``value`` is a list of Media) and case exports (``#Cases``: ``value`` is
a list of Case, each with a ``Media`` list) of VICS 1.x and 2.0 are both understood.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any, Literal

PHOTODNA_BYTES = 144
MAX_CATEGORY = 99


VICS2_CONTEXT = (
    "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{scheme}/$metadata#{kind}"
)
VICS1_METADATA = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases"


@dataclass(frozen=True)
class MediaRecord:
    """One Media record of a VICS file, validated. Hex hashes are lower-case."""

    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: str | None = None
    photodna: str | None = None  # base64, as exchanged
    category: int | None = None
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    is_distributed: bool | None = None
    series: str | None = None
    tags: tuple[str, ...] = ()
    comments: str | None = None
    media_id: str | None = None
    media_size: int | None = None
    relative_file_path: str | None = None
    mime_type: str | None = None
    case_id: str | None = None  # set when read from a case export


@dataclass(frozen=True)
class Rejected:
    """A record that could not be used: its 1-based number among the file's Media records."""

    record_number: int
    reason: str


@dataclass(frozen=True)
class CaseInfo:
    case_id: str
    case_number: str | None = None
    contact: dict[str, str] = field(default_factory=dict)
    source_application: str = "nohaven"


class VicsFormatError(ValueError):
    """The document itself is not VICS JSON (as opposed to one bad record)."""


# --- writing ---------------------------------------------------------------------------------


def media_json(record: MediaRecord, *, media_id: int | str) -> dict[str, Any]:
    """A VICS Media object (MD5 upper-case, as distributed sets carry it)."""
    alternative = []
    if record.pdq:
        alternative.append({"HashName": "PDQ", "HashValue": record.pdq})
    if record.sha256:
        alternative.append({"HashName": "SHA256", "HashValue": record.sha256})
    out: dict[str, Any] = {
        "MediaID": record.media_id or media_id,
        "MD5": record.md5.upper() if record.md5 else None,
        "SHA1": record.sha1.upper() if record.sha1 else None,
        "PhotoDNA": record.photodna,
        "Category": record.category,
        "VictimIdentified": record.victim_identified,
        "OffenderIdentified": record.offender_identified,
        "IsDistributed": record.is_distributed,
        "Series": record.series,
        "Tags": list(record.tags),
        "Comments": record.comments,
        "MediaSize": record.media_size,
        "RelativeFilePath": record.relative_file_path,
        "MimeType": record.mime_type,
        "AlternativeHashes": alternative,
    }
    return out


def write_vics(
    records: Iterable[MediaRecord],
    out: IO[str],
    *,
    version: Literal["1", "2.0"] = "2.0",
    kind: Literal["Media", "Cases"] = "Media",
    scheme: str = "US",
    case: CaseInfo | None = None,
) -> int:
    """Stream ``records`` as a VICS document; returns how many were written.

    VICS 1.x documents are always case exports (the 1.x model has no bare Media set)."""
    if version == "1":
        kind = "Cases"
        header = {"odata.metadata": VICS1_METADATA}
    else:
        header = {"@odata.context": VICS2_CONTEXT.format(scheme=scheme, kind=kind)}
    out.write(json.dumps(header)[:-1] + ', "value": [')
    if kind == "Cases":
        info = case or CaseInfo(case_id="1")
        head: dict[str, Any] = {"CaseID": info.case_id, "CaseNumber": info.case_number}
        if info.contact:
            head["Contact"] = info.contact
        head["SourceApplicationName"] = info.source_application
        out.write(json.dumps(head)[:-1] + ', "Media": [')
    count = 0
    for record in records:
        out.write(",\n" if count else "\n")
        count += 1
        out.write(json.dumps(media_json(record, media_id=count), ensure_ascii=False))
    if kind == "Cases":
        out.write(f'\n], "TotalMediaFiles": {count}}}')
    out.write("\n]}\n")
    return count
