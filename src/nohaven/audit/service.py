"""Appending to and reading the audit log.

Appending takes no lock: an entry is inserted unsealed in the caller's transaction and commits
or rolls back with the change it records. `nohaven.audit.sealing` numbers and chains committed
entries afterwards, in short transactions of its own; docs/audit.md explains why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import Select, Table, func, insert, select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry

# Sealing and verifying the chain live in nohaven.audit.sealing; these names stay reachable
# from here for callers written before it existed.
from nohaven.audit.sealing import GENESIS as GENESIS
from nohaven.audit.sealing import head_hash as head_hash
from nohaven.audit.sealing import verify as verify
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, require
from nohaven.kit.clock import utcnow
from nohaven.kit.context import current_request_id
from nohaven.kit.paging import TableSpec, TableView, page_query
from nohaven.kit.paging import text as text_filter


def canonical(summary: dict[str, Any]) -> str:
    return json.dumps(summary, sort_keys=True, separators=(",", ":"), default=str)


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    resource_type: str,
    resource_id: str | None = None,
    summary: dict[str, Any] | None = None,
    organisation_id: str | None = None,
) -> None:
    """Append one entry in the caller's transaction; it commits or rolls back with the change.

    ``organisation_id`` is the organisation whose data this is (defaults to the actor's), so
    that organisation's admins see the entry.

    One INSERT, executed at once, without an ORM object: nearly every request writes an entry,
    and the unit of work of an object cost several times the statement. Entries of a
    transaction keep the order they were written in (their ids), which the sealer follows.
    """
    session.execute(
        _INSERT,
        {
            "at": utcnow(),
            "actor_user_id": actor.user_id,
            "actor_label": actor.label,
            "organisation_id": organisation_id or actor.organisation_id,
            "action": action,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "request_id": current_request_id(),
            "summary": canonical(summary or {}),
        },
    )


_INSERT = insert(cast(Table, AuditEntry.__table__))


def _scoped(
    query: Select[AuditEntry], actor: Actor, action_prefix: str | None
) -> Select[AuditEntry]:
    if not actor.is_secretariat:
        query = query.where(AuditEntry.organisation_id == actor.organisation_id)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    return query


def list_entries(
    session: Session,
    *,
    actor: Actor,
    limit: int = 100,
    before_seq: int | None = None,
    action_prefix: str | None = None,
) -> list[AuditEntry]:
    """Newest first. The first page (no ``before_seq``) starts with the entries not sealed yet
    (newest first, ``seq`` None), then the sealed ones; ``before_seq`` pages through sealed
    entries only, so a cursor never moves while the sealer works."""
    require(actor, Action.LIST, AuditEntry)
    limit = min(max(limit, 1), 500)
    entries: list[AuditEntry] = []
    if before_seq is None:
        # Two queries rather than one ORDER BY over "seq IS NULL": each uses its own index.
        unsealed = select(AuditEntry).where(AuditEntry.seq.is_(None))
        unsealed = _scoped(unsealed, actor, action_prefix)
        entries += session.execute(unsealed.order_by(AuditEntry.id.desc()).limit(limit)).scalars()
    if len(entries) < limit:
        sealed = select(AuditEntry).where(AuditEntry.seq.is_not(None))
        if before_seq is not None:
            sealed = sealed.where(AuditEntry.seq < before_seq)
        sealed = _scoped(sealed, actor, action_prefix)
        query = sealed.order_by(AuditEntry.seq.desc()).limit(limit - len(entries))
        entries += session.execute(query).scalars()
    record(
        session,
        actor=actor,
        action="audit.read",
        resource_type="audit_entry",
        summary={"count": len(entries), "before_seq": before_seq},
    )
    return entries


# The audit log page: newest first by default (insertion order, which the index follows).
AUDIT_TABLE = TableSpec(
    sorts={
        "when": AuditEntry.id,
        "actor": AuditEntry.actor_label,
        "action": AuditEntry.action,
        "resource": AuditEntry.resource_type,
    },
    default_sort="when",
    default_descending=True,
    filters={"action": text_filter, "resource": text_filter},
)


def page_of_entries(
    session: Session, *, actor: Actor, view: TableView
) -> tuple[list[AuditEntry], TableView]:
    """One page of the entries the actor may read, as the page's table asks; the read is
    itself audited."""
    require(actor, Action.LIST, AuditEntry)
    query = _scoped(select(AuditEntry), actor, view.filter("action") or None)
    if view.filter("resource"):
        query = query.where(AuditEntry.resource_type == view.filter("resource"))
    entries, view = page_query(session, query, view)
    record(
        session,
        actor=actor,
        action="audit.read",
        resource_type="audit_entry",
        summary={"count": len(entries), "page": view.page, "sort": view.sort},
    )
    return entries, view


def older_cursor(entries: list[AuditEntry], limit: int) -> int | None:
    """The ``before_seq`` of the next page, or None when this page was the last."""
    sealed = [e.seq for e in entries if e.seq is not None]
    if len(entries) < limit or not sealed:
        return None
    return min(sealed)


def iter_export(session: Session, *, actor: Actor) -> Iterator[dict[str, Any]]:
    """Sealed entries in chain order, then those not sealed yet (``seq`` null) in the order
    they were written."""
    require(actor, Action.EXPORT, AuditEntry)
    sealed = _scoped(select(AuditEntry).where(AuditEntry.seq.is_not(None)), actor, None)
    unsealed = _scoped(select(AuditEntry).where(AuditEntry.seq.is_(None)), actor, None)
    for query in (sealed.order_by(AuditEntry.seq), unsealed.order_by(AuditEntry.id)):
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
