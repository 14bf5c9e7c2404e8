"""Synthetic VICS 2.0 hash sets for import tests: random hashes, no media."""

from __future__ import annotations

import random

HASHES_PER_RECORD = 3  # MD5, SHA1 and PDQ


def vics_set(records: int, *, seed: int = 1, bad_at: int | None = None) -> bytes:
    """A VICS hash set of ``records`` Media records; record number ``bad_at`` (1-based), if
    given, carries a malformed MD5."""
    rnd = random.Random(seed)
    parts = ['{"@odata.context": "https://example.invalid/$metadata#Media", "value": [\n']
    for n in range(1, records + 1):
        md5 = "NOT-AN-MD5" if n == bad_at else f"{rnd.getrandbits(128):032X}"
        parts.append(
            f'{{"MediaID": {n}, "MD5": "{md5}", "SHA1": "{rnd.getrandbits(160):040X}",'
            f' "Category": {rnd.randint(0, 4)}, "AlternativeHashes": [{{"HashName": "PDQ",'
            f' "HashValue": "{rnd.getrandbits(256):064x}"}}]}}'
        )
        parts.append(",\n" if n < records else "\n")
    parts.append("]}\n")
    return "".join(parts).encode()
