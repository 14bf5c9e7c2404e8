"""VICS and ThreatExchange CSV: tolerant, streamed reading and faithful writing."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from nohaven.hashes.hma_csv import SignalRow, read_hma_csv, write_hma_csv
from nohaven.hashes.vics import (
    CaseInfo,
    MediaRecord,
    Rejected,
    VicsFormatError,
    write_vics,
)
from nohaven.hashes.vics_reader import read_vics

MD5 = "9E107D9D372BB6826BD81D3542A419D6"
SHA1 = "2FD4E1C67A2D28FCED849EE1BB76E7391B93EB12"
PDQ = "f" * 32 + "0" * 32
PHOTODNA = base64.b64encode(bytes(range(144))).decode()


def _media(**overrides: Any) -> dict[str, Any]:
    media: dict[str, Any] = {
        "MediaID": 7,
        "MD5": MD5,
        "SHA1": SHA1,
        "Category": 1,
        "VictimIdentified": "true",
        "OffenderIdentified": "False",
        "IsDistributed": True,
        "Series": "series-x",
        "Tags": ["tag one", "tag2"],
        "Comments": "synthetic",
        "PhotoDNA": PHOTODNA,
        "AlternativeHashes": [{"HashName": "PDQ", "HashValue": PDQ.upper()}],
    }
    media.update(overrides)
    return media


def _read(document: dict[str, Any], *, bom: bool = False, chunk: int = 1 << 16) -> list[Any]:
    raw = json.dumps(document).encode()
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    return list(read_vics(raw[i : i + chunk] for i in range(0, len(raw), chunk)))


HASH_SET_2 = {
    "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
    "value": [
        _media(),
        _media(MD5="not-md5"),
        _media(MD5=None, SHA1=None, PhotoDNA=None, AlternativeHashes=[]),
        _media(Category="9000"),
        _media(VictimIdentified="perhaps"),
        _media(PhotoDNA="AAAA"),
        _media(Category="2", Tags="a, b;c", MD5=MD5.lower(), IsDistributed=None),
        "a string",
    ],
}


@pytest.mark.parametrize("chunk", [1, 7, 1 << 16])
def test_vics_2_hash_set_with_bom_string_booleans_and_upper_case_md5(chunk: int) -> None:
    results = _read(HASH_SET_2, bom=True, chunk=chunk)
    first = results[0]
    assert first == MediaRecord(
        md5=MD5.lower(),
        sha1=SHA1.lower(),
        pdq=PDQ,
        photodna=PHOTODNA,
        category=1,
        victim_identified=True,
        offender_identified=False,
        is_distributed=True,
        series="series-x",
        tags=("tag one", "tag2"),
        comments="synthetic",
        media_id="7",
    )
    rejected = {r.record_number: r.reason for r in results if isinstance(r, Rejected)}
    assert rejected == {
        2: "MD5 is malformed",
        3: "no hash (MD5, SHA1, SHA256, PDQ or PhotoDNA)",
        4: "Category is not a category number: '9000'",
        5: "VictimIdentified is not a boolean: 'perhaps'",
        6: "PhotoDNA is 3 bytes, not 144",
        8: "not an object",
    }
    seventh = results[6]
    assert isinstance(seventh, MediaRecord)
    assert seventh.category == 2
    assert seventh.tags == ("a", "b", "c")
    assert seventh.is_distributed is None


def _case(case_id: str, media: list[dict[str, Any]]) -> dict[str, Any]:
    return {"CaseID": case_id, "CaseNumber": f"N-{case_id}", "Media": media, "Contact": {}}


@pytest.mark.parametrize(
    "header",
    [
        {"odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases"},
        {
            "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Cases"
        },
    ],
)
def test_case_exports_of_both_versions(header: dict[str, str]) -> None:
    document = {
        **header,
        "value": [
            _case("c1", [_media(MediaID=1), _media(MediaID=2, MD5="xyz")]),
            _case("c2", []),
            _case("c3", [_media(MediaID=3)]),
        ],
    }
    results = _read(document, chunk=5)
    assert [getattr(r, "media_id", None) for r in results] == ["1", None, "3"]
    assert results[1] == Rejected(2, "MD5 is malformed")
    assert [getattr(r, "case_id", None) for r in results] == ["c1", None, "c3"]


def test_value_before_header_and_unknown_keys_are_fine() -> None:
    document = {"value": [_media()], "extra": {"nested": [1, 2.5, None]}, "@odata.context": "x"}
    [record] = _read(document, chunk=3)
    assert isinstance(record, MediaRecord)


@pytest.mark.parametrize(
    "raw",
    [b"", b"[]", b"{}", b'{"value": [', b'{"value": 3}', b"not json", b"\xff\xfe{}", b'{"a": 1}'],
)
def test_documents_that_are_not_vics_raise(raw: bytes) -> None:
    with pytest.raises(VicsFormatError):
        list(read_vics([raw]))


def test_200000_records_stream_without_loading_the_file() -> None:
    count = 200_000
    produced = [0]

    def chunks() -> Iterator[bytes]:
        # the file as a reader would deliver it: 64 KiB blocks, generated on the fly
        pending = ['\ufeff{"@odata.context": "x#Media", "value": [']
        size = 0
        for i in range(count):
            media = {"MediaID": i, "MD5": f"{i:032X}", "Category": "1", "IsDistributed": "true"}
            pending.append(("," if i else "") + json.dumps(media))
            size += len(pending[-1])
            if size > 1 << 16:
                block = "".join(pending).encode()
                produced[0] += len(block)
                yield block
                pending, size = [], 0
        pending.append("]}")
        block = "".join(pending).encode()
        produced[0] += len(block)
        yield block

    seen = 0
    read_when: dict[int, int] = {}
    last: MediaRecord | Rejected | None = None
    for record in read_vics(chunks()):
        seen += 1
        last = record
        if seen in (1, count // 2):
            read_when[seen] = produced[0]
    assert seen == count
    assert isinstance(last, MediaRecord)
    assert last.md5 == f"{count - 1:032x}"
    total = produced[0]
    # records come out while the file is still being read, one block ahead at most
    assert read_when[1] <= 2 * (1 << 16)
    assert abs(read_when[count // 2] - total / 2) <= 2 * (1 << 16)


def _records() -> list[MediaRecord]:
    return [
        MediaRecord(
            md5=f"{i:032x}",
            sha1=SHA1.lower() if i % 2 else None,
            sha256=f"{i:064x}" if i % 3 == 0 else None,
            pdq=PDQ if i % 2 == 0 else None,
            photodna=PHOTODNA if i == 1 else None,
            category=i % 5,
            victim_identified=bool(i % 2),
            offender_identified=None,
            is_distributed=True,
            series="s" if i == 2 else None,
            tags=("x", "y") if i == 3 else (),
            comments="ünïcode" if i == 4 else None,
            media_id=str(i + 1),
            media_size=1000 + i,
            relative_file_path=f"dir/{i}.jpg",
            mime_type="image/jpeg",
        )
        for i in range(6)
    ]


@pytest.mark.parametrize(
    ("version", "kind"), [("2.0", "Media"), ("2.0", "Cases"), ("1", "Cases"), ("1", "Media")]
)
def test_written_vics_reads_back(version: Any, kind: Any) -> None:
    out = io.StringIO()
    written = write_vics(
        _records(), out, version=version, kind=kind, case=CaseInfo("case-9", "N-9")
    )
    assert written == 6
    text = out.getvalue()
    document = json.loads(text)
    if version == "1":
        assert document["odata.metadata"].endswith("1.3.xml#Cases")
    else:
        assert document["@odata.context"].endswith(f"$metadata#{kind}")
    assert '"MD5": "0000000000000000000000000000000' in text.upper()
    assert all(m["MD5"] == m["MD5"].upper() for m in _all_media(document))
    back = list(read_vics([text.encode()]))
    case_id = "case-9" if kind == "Cases" or version == "1" else None
    assert back == [MediaRecord(**{**r.__dict__, "case_id": case_id}) for r in _records()]
    if kind == "Cases" or version == "1":
        assert document["value"][0]["TotalMediaFiles"] == 6


def _all_media(document: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in document["value"]:
        out.extend(item.get("Media", [item]))
    return out


HMA_CSV = (
    "\ufeffsignal_type,signal_str,collab,category,tags,bank_note\n"
    f"pdq,{PDQ.upper()},Sample Collab,TRUE_POSITIVE,tag1 tag2,first\n"
    f"video_md5,{MD5},Sample Collab,INVESTIGATION_SEED,,second\n"
    "pdq,zzzz,c,,,\n"
    "url,https://example.org,c,,,\n"
    "pdq,only-two-columns\n"
    "\n"
)


def test_hma_csv_reads_rows_and_rejects_with_reasons() -> None:
    results = list(read_hma_csv(io.StringIO(HMA_CSV)))
    assert results[0] == SignalRow(
        "pdq", PDQ, "Sample Collab", "TRUE_POSITIVE", ("tag1", "tag2"), (("bank_note", "first"),)
    )
    assert results[1] == SignalRow(
        "md5", MD5.lower(), "Sample Collab", "INVESTIGATION_SEED", (), (("bank_note", "second"),)
    )
    assert results[2:] == [
        Rejected(3, "malformed pdq value"),
        Rejected(4, "unknown signal type 'url'"),
        Rejected(5, "2 columns, header has 6"),
    ]


def test_hma_csv_round_trip_and_threatexchange_names() -> None:
    rows = [r for r in read_hma_csv(io.StringIO(HMA_CSV)) if isinstance(r, SignalRow)]
    out = io.StringIO()
    assert write_hma_csv(rows, out, metadata_columns=["bank_note"]) == 2
    text = out.getvalue()
    assert text.splitlines()[0] == "signal_type,signal_str,collab,category,tags,bank_note"
    assert text.splitlines()[2].startswith("video_md5,")
    assert list(read_hma_csv(io.StringIO(text))) == rows


def test_hma_csv_without_required_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="signal_type"):
        list(read_hma_csv(io.StringIO("a,b\n1,2\n")))
    assert list(read_hma_csv(io.StringIO(""))) == []
