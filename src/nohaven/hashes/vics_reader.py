"""Reading Project VIC (VICS) JSON as a stream.

A small pull parser walks the OData document over text chunks: each Media object is decoded on
its own with ``json.JSONDecoder.raw_decode`` from a sliding buffer, so a file of hundreds of
thousands of records never sits in memory at once. Whether a document is a hash set or a case
export (VICS 1.x or 2.0) is decided by the shape of each element, not by trusting the header.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from nohaven.hashes.vics import MAX_CATEGORY, PHOTODNA_BYTES, MediaRecord, Rejected, VicsFormatError

_MD5 = re.compile(r"\A[0-9a-fA-F]{32}\Z")
_SHA1 = re.compile(r"\A[0-9a-fA-F]{40}\Z")
_HEX64 = re.compile(r"\A[0-9a-fA-F]{64}\Z")


_CHUNK_CHARS = 1 << 16


# --- reading ---------------------------------------------------------------------------------


class _TextStream:
    """A pull parser's view of a text: a buffer refilled from decoded chunks."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._buf = ""
        self._pos = 0
        self._decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self._buf = self._buf[self._pos :] + chunk
                self._pos = 0
                return True
        return False

    def peek(self) -> str:
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in " \t\r\n":
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        got = self.peek()
        if got != char:
            raise VicsFormatError(f"expected {char!r}, found {got or 'end of file'!r}")
        self._pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                # incomplete: read more; at end of input it is a real error
                if not self._fill():
                    raise VicsFormatError(f"invalid JSON: {exc.msg}") from exc
                continue
            if end == len(self._buf) and isinstance(value, int | float) and self._fill():
                continue  # a number may continue in the next chunk
            self._pos = end
            return value

    def value_if_buffered(self) -> tuple[bool, Any]:
        """(True, value) if a whole value is already in the buffer, else (False, None) with
        nothing consumed: the fast path for the many small objects of a hash set."""
        self.peek()
        try:
            value, end = self._decoder.raw_decode(self._buf, self._pos)
        except json.JSONDecodeError:
            return False, None
        if end == len(self._buf):
            return False, None  # might be a number cut short; let the slow path decide
        self._pos = end
        return True, value

    def key(self) -> str:
        if self.peek() != '"':
            raise VicsFormatError("expected an object key")
        key = self.value()
        self.expect(":")
        return str(key)

    def comma_or(self, closing: str) -> bool:
        """True if another item follows; False (consumed) at the closing bracket."""
        char = self.peek()
        if char == ",":
            self._pos += 1
            return True
        self.expect(closing)
        return False


def _text_chunks(source: IO[bytes] | Iterable[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    blocks: Iterable[bytes]
    if hasattr(source, "read"):
        reader = source

        def _blocks() -> Iterator[bytes]:
            while block := reader.read(_CHUNK_CHARS):
                yield block

        blocks = _blocks()
    else:
        blocks = source
    try:
        for block in blocks:
            yield decoder.decode(block)
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise VicsFormatError("the file is not UTF-8") from exc


def read_vics(source: IO[bytes] | Iterable[bytes]) -> Iterator[MediaRecord | Rejected]:
    """Media records of a VICS 1.x or 2.0 file (binary stream or byte chunks), in file order.

    Bad records come out as :class:`Rejected`; a document that is not VICS raises
    :class:`VicsFormatError` when reached."""
    stream = _TextStream(_text_chunks(source))
    counter = [0]
    stream.expect("{")
    if stream.peek() == "}":
        raise VicsFormatError("no 'value' list")
    seen_value = False
    while True:
        key = stream.key()
        if key == "value":
            seen_value = True
            yield from _read_value_list(stream, counter)
        else:
            stream.value()
        if not stream.comma_or("}"):
            break
    if not seen_value:
        raise VicsFormatError("no 'value' list")


def _read_value_list(stream: _TextStream, counter: list[int]) -> Iterator[MediaRecord | Rejected]:
    stream.expect("[")
    if stream.peek() == "]":
        stream.expect("]")
        return
    while True:
        if stream.peek() != "{":
            counter[0] += 1
            stream.value()
            yield Rejected(counter[0], "not an object")
        else:
            yield from _read_element(stream, counter)
        if not stream.comma_or("]"):
            return


def _read_element(stream: _TextStream, counter: list[int]) -> Iterator[MediaRecord | Rejected]:
    """A Case (streams its Media list) or a Media object."""
    whole, value = stream.value_if_buffered()
    if whole:
        media = value.get("Media", value.get("media"))
        if isinstance(media, list):
            case_id = _text(value.get("CaseID") or value.get("CaseNumber"))
            for item in media:
                counter[0] += 1
                yield _validated(item, counter[0], case_id)
        else:
            counter[0] += 1
            yield _validated(value, counter[0], None)
        return
    stream.expect("{")
    fields: dict[str, Any] = {}
    was_case = False
    if stream.peek() == "}":
        stream.expect("}")
    else:
        while True:
            key = stream.key()
            if key.lower() == "media" and stream.peek() == "[":
                was_case = True
                case_id = _text(fields.get("CaseID") or fields.get("CaseNumber"))
                stream.expect("[")
                if stream.peek() == "]":
                    stream.expect("]")
                else:
                    while True:
                        counter[0] += 1
                        yield _validated(stream.value(), counter[0], case_id)
                        if not stream.comma_or("]"):
                            break
            else:
                fields[key] = stream.value()
            if not stream.comma_or("}"):
                break
    if not was_case:
        counter[0] += 1
        yield _validated(fields, counter[0], None)


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _boolean(value: Any, name: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise ValueError(f"{name} is not a boolean: {str(value)[:40]!r}")


def _category(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("Category is not a number")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= MAX_CATEGORY:
        raise ValueError(f"Category is not a category number: {str(value)[:40]!r}")
    return value


def _hex(value: Any, pattern: re.Pattern[str], name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not pattern.match(value.strip()):
        raise ValueError(f"{name} is malformed")
    return value.strip().lower()


def _photodna(value: Any) -> str | None:
    if value is None or value == "":
        return None
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("PhotoDNA is not base64") from exc
    if len(raw) != PHOTODNA_BYTES:
        raise ValueError(f"PhotoDNA is {len(raw)} bytes, not {PHOTODNA_BYTES}")
    return str(value)


def _tags(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(t.strip() for t in re.split(r"[,;]", value) if t.strip())
    if isinstance(value, list) and all(isinstance(t, str | int) for t in value):
        return tuple(str(t).strip() for t in value if str(t).strip())
    raise ValueError("Tags is neither a list nor a string")


def _validated(raw: Any, number: int, case_id: str | None) -> MediaRecord | Rejected:
    if not isinstance(raw, dict):
        return Rejected(number, "not an object")
    try:
        alternative: dict[str, Any] = {}
        for item in raw.get("AlternativeHashes") or []:
            if isinstance(item, dict) and isinstance(item.get("HashName"), str):
                name = item["HashName"].replace("-", "").strip().upper()
                alternative[name] = item.get("HashValue")
        size = raw.get("MediaSize")
        record = MediaRecord(
            md5=_hex(raw.get("MD5"), _MD5, "MD5"),
            sha1=_hex(raw.get("SHA1"), _SHA1, "SHA1"),
            sha256=_hex(raw.get("SHA256") or alternative.get("SHA256"), _HEX64, "SHA256"),
            pdq=_hex(alternative.get("PDQ"), _HEX64, "PDQ"),
            photodna=_photodna(raw.get("PhotoDNA")),
            category=_category(raw.get("Category")),
            victim_identified=_boolean(raw.get("VictimIdentified"), "VictimIdentified"),
            offender_identified=_boolean(raw.get("OffenderIdentified"), "OffenderIdentified"),
            is_distributed=_boolean(raw.get("IsDistributed"), "IsDistributed"),
            series=_text(raw.get("Series")),
            tags=_tags(raw.get("Tags")),
            comments=_text(raw.get("Comments")),
            media_id=_text(raw.get("MediaID")),
            media_size=int(size) if isinstance(size, int | str) and str(size).isdigit() else None,
            relative_file_path=_text(raw.get("RelativeFilePath")),
            mime_type=_text(raw.get("MimeType")),
            case_id=case_id,
        )
    except ValueError as exc:
        return Rejected(number, str(exc))
    if not (record.md5 or record.sha1 or record.sha256 or record.pdq or record.photodna):
        return Rejected(number, "no hash (MD5, SHA1, SHA256, PDQ or PhotoDNA)")
    return record
