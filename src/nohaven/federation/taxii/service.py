"""TAXII 2.1 collections over hash lists: the lists an actor may export, each a collection
of STIX indicators, paged in change order (``next`` is the last change number handed out),
filtered by ``added_after`` (the entry's version). Every page read is audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.errors import InvalidInput
from nohaven.federation.taxii import stix
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import HashEntry, HashList

MEDIA_TAXII = "application/taxii+json;version=2.1"
MEDIA_STIX = "application/stix+json;version=2.1"
PAGE_DEFAULT = 100
PAGE_MAX = 1000


def timestamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def collection(hash_list: HashList) -> dict[str, Any]:
    return {
        "id": stix.collection_id(hash_list.id),
        "title": hash_list.name,
        "description": hash_list.description or f"Hash list labelled {hash_list.tlp}.",
        "can_read": True,
        "can_write": False,
        "media_types": [MEDIA_STIX],
    }


def collections(session: Session, *, actor: Actor) -> list[HashList]:
    return [
        h
        for h in hashes_service.visible_lists(session, actor=actor)
        if can(actor, Action.EXPORT, h)
    ]


def get_collection(session: Session, *, actor: Actor, collection_id: str) -> HashList:
    """The list behind a collection id (its UUID, or the list's id as nohaven spells it);
    one the actor may not export is answered as missing."""
    try:
        list_id = uuid.UUID(collection_id).hex
    except ValueError:
        list_id = collection_id
    return hashes_service.get_list(session, actor=actor, list_id=list_id, action=Action.EXPORT)


@dataclass
class Page:
    hash_list: HashList
    entries: Sequence[HashEntry]
    more: bool
    next: str | None

    @property
    def first_added(self) -> str | None:
        return timestamp(min(stix.version_of(e) for e in self.entries)) if self.entries else None

    @property
    def last_added(self) -> str | None:
        return timestamp(max(stix.version_of(e) for e in self.entries)) if self.entries else None


def _after(added_after: str | None) -> datetime | None:
    if not added_after:
        return None
    try:
        parsed = datetime.fromisoformat(added_after)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(
            "added_after is a timestamp with its zone (2026-01-31T12:00:00Z).",
            errors=[{"field": "added_after", "message": "not a timestamp"}],
        )
    return parsed


def _next(value: str | None) -> int:
    if not value:
        return 0
    if not value.isdigit() or len(value) > 18:
        raise InvalidInput("next is the value a previous page handed out.")
    return int(value)


def page(
    session: Session,
    *,
    actor: Actor,
    collection_id: str,
    added_after: str | None,
    next_token: str | None,
    limit: int | None,
    what: str,
) -> Page:
    hash_list = get_collection(session, actor=actor, collection_id=collection_id)
    after = _after(added_after)
    since = _next(next_token)
    size = max(1, min(limit or PAGE_DEFAULT, PAGE_MAX))
    query = (
        select(HashEntry)
        .where(HashEntry.list_id == hash_list.id, HashEntry.seq > since)
        .order_by(HashEntry.seq)
        .limit(size + 1)
    )
    if after is not None:
        query = query.where(HashEntry.updated_at > after)
    found = session.execute(query).scalars().all()
    more = len(found) > size
    entries = found[:size]
    hashes_service.record_audit(
        session, actor, f"taxii_{what}", hash_list, since=since, count=len(entries)
    )
    return Page(hash_list, entries, more, str(entries[-1].seq) if more else None)


def envelope(found: Page) -> dict[str, Any]:
    body: dict[str, Any] = {
        "more": found.more,
        "objects": [stix.indicator(e, found.hash_list) for e in found.entries],
    }
    if found.next:
        body["next"] = found.next
    return body


def manifest(found: Page) -> dict[str, Any]:
    body: dict[str, Any] = {
        "more": found.more,
        "objects": [
            {
                "id": stix.object_id(e.id),
                "date_added": timestamp(stix.version_of(e)),
                "version": timestamp(stix.version_of(e)),
                "media_type": MEDIA_STIX,
            }
            for e in found.entries
        ],
    }
    if found.next:
        body["next"] = found.next
    return body
