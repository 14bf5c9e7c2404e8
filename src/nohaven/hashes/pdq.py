"""PDQ hashes as four 64-bit words: parsing, printing and Hamming distances."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


PDQ_HEX = re.compile(r"\A[0-9a-fA-F]{64}\Z")


_HEX_RUN = re.compile(r"\A[0-9a-fA-F]*\Z")


def hamming(a_hex: str, b_hex: str) -> int:
    """Hamming distance between two equal-length hex hashes."""
    if len(a_hex) != len(b_hex):
        raise ValueError("hashes differ in length")
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()


def parse_pdq(hashes: Sequence[str]) -> U64:
    """64-hex strings -> (n, 4) uint64 words; raises ValueError on anything else."""
    joined = "".join(hashes)
    if len(joined) != 64 * len(hashes) or not _HEX_RUN.match(joined):
        for value in hashes:
            if not PDQ_HEX.match(value):
                raise ValueError(f"not a PDQ hash (64 hex characters): {value[:80]!r}")
    raw = bytes.fromhex(joined)
    return np.frombuffer(raw, dtype=">u8").reshape(-1, 4).astype(np.uint64)


def words_to_hex(words: U64) -> list[str]:
    raw = np.ascontiguousarray(words, dtype=">u8").tobytes()
    return [raw[i : i + 32].hex() for i in range(0, len(raw), 32)]


def popcount_distance(rows: U64, query: U64) -> npt.NDArray[np.int64]:
    x = np.bitwise_xor(rows, query)
    total: npt.NDArray[np.int64] = np.bitwise_count(x).sum(axis=1, dtype=np.int64)
    return total


def distances(rows: U64, queries: U64) -> npt.NDArray[np.uint16]:
    """Row-wise Hamming distance; ``rows`` is overwritten (it is a fresh gather)."""
    np.bitwise_xor(rows, queries, out=rows)
    counts = np.bitwise_count(rows)
    total = counts[:, 0].astype(np.uint16)
    for col in range(1, 4):
        total += counts[:, col]
    return total


# ids are stored as fixed-width bytes: a UUID hex (the project's ids) as a tag byte plus 16 raw
# bytes, anything else as a different tag plus UTF-8. numpy strips trailing NULs on read, which
