"""The encrypted backup archive: a header in clear (what it is, which key opens it) and the
database image in AES-256-GCM chunks.

The archive key is derived with HKDF-SHA256 from the deployment's key-encryption key (the
data key) and a random salt stored in the header. One secret to keep, the one the sealed
fields need anyway: an archive whose key is lost would restore nothing readable. The header
names the data key's id, so after a key rotation an older archive says which previous key it
needs.

Each chunk's nonce is a random 7-byte prefix, a 4-byte counter and a 1-byte "last chunk" flag,
and every chunk authenticates the header: chunks cannot be reordered, dropped, truncated or
moved to another archive, and a changed header is detected.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nohaven.kit.crypto import Keyring, SealError

MAGIC = b"NOHAVEN-BACKUP\x00\x01"
CHUNK = 1 << 20
_MAX_HEADER = 1 << 16


class ArchiveError(ValueError):
    pass


@dataclass(frozen=True)
class Header:
    backend: str  # "sqlite" or "postgresql"
    created_at: str
    key_id: str
    salt: bytes
    nonce_prefix: bytes
    payload_bytes: int
    audit_head: str
    audit_entries: int

    def encode(self) -> bytes:
        fields: dict[str, Any] = {
            "format": 1,
            "backend": self.backend,
            "created_at": self.created_at,
            "key_id": self.key_id,
            "salt": self.salt.hex(),
            "nonce_prefix": self.nonce_prefix.hex(),
            "payload_bytes": self.payload_bytes,
            "audit_head": self.audit_head,
            "audit_entries": self.audit_entries,
            "cipher": "AES-256-GCM, key HKDF-SHA256(data key, salt)",
        }
        return json.dumps(fields, sort_keys=True).encode()

    @classmethod
    def decode(cls, raw: bytes) -> Header:
        try:
            data = json.loads(raw)
            if data.get("format") != 1:
                raise ArchiveError("unknown archive format")
            return cls(
                backend=str(data["backend"]),
                created_at=str(data["created_at"]),
                key_id=str(data["key_id"]),
                salt=bytes.fromhex(data["salt"]),
                nonce_prefix=bytes.fromhex(data["nonce_prefix"]),
                payload_bytes=int(data["payload_bytes"]),
                audit_head=str(data["audit_head"]),
                audit_entries=int(data["audit_entries"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ArchiveError(f"the archive's header is unreadable ({exc})") from exc


def _archive_key(kek: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"nohaven backup v1").derive(
        kek
    )


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def new_salt_and_prefix() -> tuple[bytes, bytes]:
    return os.urandom(16), os.urandom(7)


def write(
    out: IO[bytes],
    header: Header,
    ring: Keyring,
    source: IO[bytes],
    *,
    on_chunk: Callable[[int], None] | None = None,
) -> None:
    """Encrypt ``source`` (``header.payload_bytes`` long) into ``out`` under the ring's
    current key."""
    if header.key_id != ring.current_id:
        raise ArchiveError("the header must name the current data key")
    encoded = header.encode()
    aad = hashlib.sha256(MAGIC + encoded).digest()
    cipher = AESGCM(_archive_key(ring.current, header.salt))
    out.write(MAGIC + struct.pack(">I", len(encoded)) + encoded)
    counter, remaining = 0, header.payload_bytes
    while True:
        chunk = source.read(min(CHUNK, remaining))
        remaining -= len(chunk)
        last = remaining <= 0
        sealed = cipher.encrypt(_nonce(header.nonce_prefix, counter, last), chunk, aad)
        out.write(struct.pack(">I", len(sealed)) + sealed)
        if on_chunk:
            on_chunk(len(chunk))
        if last:
            return
        if not chunk:
            raise ArchiveError("the database image ended early")
        counter += 1


def read_header(source: IO[bytes]) -> tuple[Header, bytes]:
    if source.read(len(MAGIC)) != MAGIC:
        raise ArchiveError("this is not a nohaven backup archive")
    (length,) = struct.unpack(">I", _exactly(source, 4))
    if length > _MAX_HEADER:
        raise ArchiveError("the archive's header is too large")
    encoded = _exactly(source, length)
    return Header.decode(encoded), encoded


def read(source: IO[bytes], ring: Keyring) -> tuple[Header, Iterator[bytes]]:
    """The header, and the decrypted payload chunk by chunk; any change to the archive raises
    `ArchiveError` (at the latest when the last chunk is read)."""
    header, encoded = read_header(source)
    try:
        kek = ring.by_id(header.key_id)
    except SealError as exc:
        raise ArchiveError(
            f"the archive was made under data key {header.key_id}, which is not configured "
            "(set it as NOHAVEN_DATA_KEY or in NOHAVEN_DATA_KEYS_PREVIOUS)"
        ) from exc
    aad = hashlib.sha256(MAGIC + encoded).digest()
    cipher = AESGCM(_archive_key(kek, header.salt))

    def chunks() -> Iterator[bytes]:
        counter, total = 0, 0
        while True:
            raw_length = source.read(4)
            if len(raw_length) < 4:
                raise ArchiveError("the archive is truncated")
            (length,) = struct.unpack(">I", raw_length)
            if length > CHUNK + 16:
                raise ArchiveError("the archive is damaged (a chunk is too large)")
            sealed = _exactly(source, length)
            for last in (False, True):
                try:
                    plain = cipher.decrypt(_nonce(header.nonce_prefix, counter, last), sealed, aad)
                except InvalidTag:
                    continue
                total += len(plain)
                yield plain
                if last:
                    if total != header.payload_bytes or source.read(1):
                        raise ArchiveError("the archive's length does not match its header")
                    return
                break
            else:
                raise ArchiveError("the archive was altered or is damaged")
            counter += 1

    return header, chunks()


def _exactly(source: IO[bytes], n: int) -> bytes:
    data = source.read(n)
    if len(data) != n:
        raise ArchiveError("the archive is truncated")
    return data
