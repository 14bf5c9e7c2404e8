"""Signal types and their values: validation and canonical spelling, one place for all."""

from __future__ import annotations

import base64
import binascii
import re

from nohaven.errors import InvalidInput
from nohaven.hashes.models import SignalType

# DOMAIN.md: discard PDQ hashes with quality below 50; they match noise.
MIN_PDQ_QUALITY = 50
PHOTODNA_BYTES = 144

_HEX_LENGTHS = {
    SignalType.PDQ: 64,
    SignalType.MD5: 32,
    SignalType.SHA1: 40,
    SignalType.SHA256: 64,
}
_HEX = re.compile(r"^[0-9a-f]+$")


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"field": field, "message": message}])


def signal_type(raw: str) -> SignalType:
    try:
        return SignalType(raw.strip().lower())
    except ValueError:
        raise _bad("signal_type", f"unknown signal type {raw!r}") from None


def canonical_value(kind: SignalType, raw: str) -> str:
    """The stored spelling of a hash: lower-case hex, or canonical base64 for PhotoDNA."""
    text = raw.strip()
    if kind == SignalType.PHOTODNA:
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise _bad("value", "a PhotoDNA hash is base64") from None
        if len(data) != PHOTODNA_BYTES:
            raise _bad("value", f"a PhotoDNA hash is {PHOTODNA_BYTES} bytes")
        return base64.b64encode(data).decode()
    text = text.lower()
    length = _HEX_LENGTHS[kind]
    if len(text) != length or not _HEX.match(text):
        raise _bad("value", f"a {kind.value} hash is {length} hexadecimal characters")
    return text


def check_quality(kind: SignalType, quality: int | None, *, required: bool) -> int | None:
    """PDQ quality is 0–100 and at least MIN_PDQ_QUALITY; other types carry none.

    ``required`` is False for imports from formats that do not carry PDQ quality (HMA CSV);
    such entries are stored with an unknown quality."""
    if kind != SignalType.PDQ:
        if quality is not None:
            raise _bad("pdq_quality", "only PDQ hashes carry a quality")
        return None
    if quality is None:
        if required:
            raise _bad("pdq_quality", "a PDQ hash needs its quality (0-100)")
        return None
    if not 0 <= quality <= 100:
        raise _bad("pdq_quality", "PDQ quality is between 0 and 100")
    if quality < MIN_PDQ_QUALITY:
        raise _bad("pdq_quality", f"PDQ quality below {MIN_PDQ_QUALITY} is refused")
    return quality
