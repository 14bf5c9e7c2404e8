"""Appending to, reading and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry, AuditHead
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.kit.clock import utcnow
from nohaven.kit.context import current_request_id

GENESIS = "0" * 64
# Any constant will do: it names the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK = 0x6E6F6861


def canonical(summary: dict[str, Any]) -> str:
    return json.dumps(summary, sort_keys=True, separators=(",", ":"), default=str)


def entry_digest(entry: AuditEntry) -> str:
    fields = [
        entry.seq,
        entry.at.isoformat(timespec="microseconds"),
        entry.actor_user_id,
        entry.actor_label,
        entry.organisation_id,
        entry.action,
        entry.resource_type,
        entry.resource_id,
        entry.request_id,
        entry.summary,
        entry.prev_hash,
    ]
    return hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    resource_type: str,
    resource_id: str | None = None,
    summary: dict[str, Any] | None = None,
    organisation_id: str | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction; it commits or rolls back with the change.

    ``organisation_id`` is the organisation whose data this is (defaults to the actor's), so
    that organisation's admins see the entry.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    # On SQLite every transaction begins IMMEDIATE (see db.py), which serialises appends.
    head = session.get(AuditHead, 1)
    seq, prev = (head.seq + 1, head.entry_hash) if head else (1, GENESIS)
    entry = AuditEntry(
        seq=seq,
        at=utcnow(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        organisation_id=organisation_id or actor.organisation_id,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        request_id=current_request_id(),
        summary=canonical(summary or {}),
        prev_hash=prev,
    )
    entry.entry_hash = entry_digest(entry)
    session.add(entry)
    if head is None:
        session.add(AuditHead(id=1, seq=seq, entry_hash=entry.entry_hash))
    else:
        head.seq, head.entry_hash = seq, entry.entry_hash
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(session: Session, *, expected_head: str | None = None) -> Verification:
    """Walk the chain in order; report the first entry that was altered, removed or reordered."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for entry in rows.yield_per(2000):
        if entry.seq != expected_seq:
            return Verification(
                False,
                checked,
                expected_seq,
                f"entry {expected_seq} is missing (next present is {entry.seq})",
            )
        if entry.prev_hash != prev:
            return Verification(
                False,
                checked,
                entry.seq,
                "its link to the previous entry does not match (removed or reordered)",
            )
        if entry_digest(entry) != entry.entry_hash:
            return Verification(False, checked, entry.seq, "its content was altered")
        prev = entry.entry_hash
        expected_seq += 1
        checked += 1
        session.expunge(entry)
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.entry_hash != prev):
        return Verification(
            False,
            checked,
            min(head.seq, last_seq + 1),
            f"the chain ends at {last_seq} but its head records {head.seq}: "
            "entries were removed from the end",
        )
    if head is None and checked:
        return Verification(False, checked, 1, "the chain head record is missing")
    if expected_head is not None and prev != expected_head:
        return Verification(
            False, checked, last_seq, "the last entry does not match the externally recorded head"
        )
    return Verification(True, checked)


def head_hash(session: Session) -> str:
    head = session.get(AuditHead, 1)
    return head.entry_hash if head else GENESIS


def list_entries(
    session: Session,
    *,
    actor: Actor,
    limit: int = 100,
    before_seq: int | None = None,
    action_prefix: str | None = None,
) -> list[AuditEntry]:
    require(actor, Action.LIST, AuditEntry)
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(min(max(limit, 1), 500))
    if not actor.is_secretariat:
        query = query.where(AuditEntry.organisation_id == actor.organisation_id)
    if before_seq is not None:
        query = query.where(AuditEntry.seq < before_seq)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    entries = list(session.execute(query).scalars())
    record(
        session,
        actor=actor,
        action="audit.read",
        resource_type="audit_entry",
        summary={"count": len(entries), "before_seq": before_seq},
    )
    return entries


def iter_export(session: Session, *, actor: Actor) -> Iterator[dict[str, Any]]:
    require(actor, Action.EXPORT, AuditEntry)
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if not actor.is_secretariat:
        query = query.where(AuditEntry.organisation_id == actor.organisation_id)
    for entry in session.execute(query).scalars().yield_per(2000):
        yield as_dict(entry)


def as_dict(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_user_id": entry.actor_user_id,
        "actor_label": entry.actor_label,
        "organisation_id": entry.organisation_id,
        "action": entry.action,
        "resource_type": entry.resource_type,
        "resource_id": entry.resource_id,
        "request_id": entry.request_id,
        "summary": json.loads(entry.summary),
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
