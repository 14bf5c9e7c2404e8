"""Signed checkpoints of the audit chain: the sealed head (a seq and its hash, which name the
whole chain up to it) signed with an Ed25519 key that lives in a file, never in the database.

The chain alone is unkeyed SHA-256: whoever can write the database can rewrite an entry and
recompute every hash after it, and the chain verifies again. A checkpoint they cannot forge
without the key pins the chain's head at a moment; members keep exported checkpoints, and
`verify_against` then finds any rewrite of history before the latest checkpoint they hold,
even if the database's own copy of the checkpoints was deleted or replaced.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit import sealing
from nohaven.audit import service as audit
from nohaven.audit.models import AuditCheckpoint, AuditEntry
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.errors import NohavenError
from nohaven.kit.clock import utcnow

EXPORT_FORMAT = "nohaven-audit-checkpoints/1"
_DOMAIN = b"nohaven audit checkpoint v1\n"


class CheckpointError(NohavenError):
    status_code = 503
    title = "Audit checkpoints unavailable"
    type_slug = "audit-checkpoints-unavailable"


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def generate_key_file(path: Path) -> str:
    """Write a new private key (PEM, mode 0600, never over an existing file); its public key
    in hex, to publish to the members."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return public_hex(key.public_key())


def load_key_file(path: Path | None) -> Ed25519PrivateKey:
    if path is None:
        raise CheckpointError(
            "No audit signing key is configured: set NOHAVEN_AUDIT_SIGNING_KEY_FILE "
            "(make one with `nohaven audit keygen FILE`)."
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise CheckpointError(f"The audit signing key cannot be read: {exc.strerror}.") from exc
    except ValueError as exc:
        raise CheckpointError("The audit signing key file is not a PEM private key.") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError("The audit signing key must be an Ed25519 key.")
    return key


def message(seq: int, entry_hash: str, signed_at: str) -> bytes:
    body = json.dumps(
        {"seq": seq, "entry_hash": entry_hash, "signed_at": signed_at},
        sort_keys=True,
        separators=(",", ":"),
    )
    return _DOMAIN + body.encode()


def write_checkpoint(session: Session, key: Ed25519PrivateKey) -> AuditCheckpoint:
    """Sign the sealed head as it is now, in the caller's transaction."""
    head = sealing.sealed_head(session)
    signed_at = utcnow().isoformat(timespec="seconds")
    checkpoint = AuditCheckpoint(
        seq=head.seq,
        entry_hash=head.entry_hash,
        signed_at=signed_at,
        public_key=public_hex(key.public_key()),
        signature=key.sign(message(head.seq, head.entry_hash, signed_at)).hex(),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def checkpoint_if_moved(session: Session, key: Ed25519PrivateKey) -> AuditCheckpoint | None:
    """The scheduled checkpoint: only when the sealed head moved since the last one."""
    latest = session.execute(
        select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is not None and latest >= sealing.sealed_head(session).seq:
        return None
    return write_checkpoint(session, key)


def checkpoint_now(session: Session, key: Ed25519PrivateKey, *, actor: Actor) -> AuditCheckpoint:
    """On demand: seal what is committed, sign the head, and record that it was done."""
    sealing.seal_all(session)
    checkpoint = write_checkpoint(session, key)
    audit.record(
        session,
        actor=actor,
        action="audit.checkpoint",
        resource_type="audit_checkpoint",
        resource_id=str(checkpoint.id),
        summary={"seq": checkpoint.seq, "entry_hash": checkpoint.entry_hash},
    )
    return checkpoint


def export(session: Session) -> dict[str, Any]:
    """Every checkpoint in the database, for members to keep."""
    rows = session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)).scalars()
    return {
        "format": EXPORT_FORMAT,
        "checkpoints": [
            {
                "seq": c.seq,
                "entry_hash": c.entry_hash,
                "signed_at": c.signed_at,
                "public_key": c.public_key,
                "signature": c.signature,
            }
            for c in rows
        ],
    }


def export_for(session: Session, *, actor: Actor) -> dict[str, Any]:
    """`export`, for a member fetching the checkpoints to keep (GET /api/v1/audit/checkpoints)."""
    require(actor, Action.LIST, AuditCheckpoint)
    return export(session)


@dataclass(frozen=True)
class CheckpointFinding:
    ok: bool
    checked: int
    reason: str = ""


def verify_against(
    session: Session, kept: dict[str, Any], *, trusted_keys: set[str]
) -> CheckpointFinding:
    """Each kept checkpoint must carry a valid signature by a trusted key, and the sealed
    entry at its seq must still have the hash it signed."""
    if kept.get("format") != EXPORT_FORMAT or not isinstance(kept.get("checkpoints"), list):
        return CheckpointFinding(False, 0, "the file is not an export of audit checkpoints")
    checked = 0
    for item in kept["checkpoints"]:
        try:
            seq, entry_hash = int(item["seq"]), str(item["entry_hash"])
            signed_at, public_key = str(item["signed_at"]), str(item["public_key"])
            signature = bytes.fromhex(item["signature"])
            verifier = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        except (KeyError, TypeError, ValueError):
            return CheckpointFinding(False, checked, "a checkpoint in the file is malformed")
        if public_key not in trusted_keys:
            return CheckpointFinding(
                False, checked, f"checkpoint at entry {seq} is signed by an untrusted key"
            )
        try:
            verifier.verify(signature, message(seq, entry_hash, signed_at))
        except InvalidSignature:
            return CheckpointFinding(
                False, checked, f"checkpoint at entry {seq} has an invalid signature"
            )
        if seq == 0:
            checked += 1
            continue
        found = session.execute(
            select(AuditEntry.entry_hash).where(AuditEntry.seq == seq)
        ).scalar_one_or_none()
        if found is None:
            return CheckpointFinding(
                False,
                checked,
                f"entry {seq}, signed in the checkpoint of {signed_at}, is missing: "
                "history was cut",
            )
        if found != entry_hash:
            return CheckpointFinding(
                False,
                checked,
                f"entry {seq} does not match the checkpoint signed at {signed_at}: "
                "the history up to it was rewritten",
            )
        checked += 1
    return CheckpointFinding(True, checked)
