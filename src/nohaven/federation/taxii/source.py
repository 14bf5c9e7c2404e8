"""A TAXII 2.1 collection elsewhere as the source of a list, read with the OASIS
`taxii2-client`: indicators over one file hash become entries, revoked ones tombstones;
anything else in the collection is skipped and counted.

A pull first reads the manifest for the latest date added, then the objects added after the
checkpoint; the checkpoint moves to that date only when every object was applied, so a pull
cut off midway is simply repeated (applying an indicator again changes nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action
from nohaven.errors import InvalidInput, NohavenError, NotFound
from nohaven.federation.models import TaxiiSource, sealed_columns
from nohaven.federation.taxii import stix
from nohaven.hashes import repository as hashes_repo
from nohaven.hashes import service as hashes_service
from nohaven.hashes.models import HashList
from nohaven.hashes.schemas import EntryCreate
from nohaven.kit import crypto
from nohaven.kit.clock import utcnow

PAGE = 100
_PASSWORD = sealed_columns()[0]


class Collection(Protocol):
    """What a pull needs of a TAXII collection (``taxii2client.v21.Collection`` has it)."""

    def get_manifest(self, **filters: Any) -> dict[str, Any]: ...
    def get_objects(self, **filters: Any) -> dict[str, Any]: ...


Opener = Callable[[str, str | None, str | None], Collection]


def open_collection(url: str, user: str | None, password: str | None) -> Collection:
    from taxii2client.v21 import Collection as TaxiiCollection

    found: Collection = TaxiiCollection(url, user=user, password=password)
    return found


def add_source(
    session: Session,
    *,
    actor: Actor,
    keys: crypto.Keyring,
    list_id: str,
    url: str,
    username: str | None,
    password: str | None,
) -> TaxiiSource:
    hash_list = hashes_service.get_list(session, actor=actor, list_id=list_id, action=Action.UPDATE)
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise InvalidInput("A collection's address is an http(s) URL.")
    source = TaxiiSource(
        list_id=hash_list.id,
        collection_url=url if url.endswith("/") else url + "/",
        username=username,
        created_by_id=actor.user_id,
    )
    session.add(source)
    session.flush()
    if password:
        source.password_sealed = crypto.seal(keys, password, context=_PASSWORD.context(source.id))
    hashes_service.record_audit(session, actor, "taxii_source_add", hash_list, url=url)
    return source


def _pages(fetch: Callable[..., dict[str, Any]], **filters: Any) -> Iterator[dict[str, Any]]:
    envelope = fetch(limit=PAGE, **filters)
    yield envelope
    while envelope.get("more") and envelope.get("next"):
        envelope = fetch(limit=PAGE, next=envelope["next"], **filters)
        yield envelope


@dataclass
class PullOutcome:
    added: int = 0
    tombstoned: int = 0
    skipped: int = 0
    error: str | None = None


def _apply(session: Session, actor: Actor, list_id: str, obj: dict[str, Any]) -> str:
    if obj.get("type") != "indicator" or obj.get("pattern_type", "stix") != "stix":
        return "skipped"
    found = stix.hash_of(str(obj.get("pattern", "")))
    if found is None:
        return "skipped"
    kind, value = found
    if obj.get("revoked"):
        entry = hashes_repo.entry_by_value(session, list_id, kind, value.lower())
        if entry is None or not entry.is_live:
            return "skipped"
        hashes_service.tombstone_entry(
            session, actor=actor, entry_id=entry.id, reason="revoked at the TAXII source"
        )
        return "tombstoned"
    hash_list = hashes_service.get_list(session, actor=actor, list_id=list_id, action=Action.UPDATE)
    clean = hashes_service.clean_entry(
        EntryCreate(
            signal_type=kind,
            value=value,
            pdq_quality=obj.get("x_nohaven_pdq_quality"),
            classification_scheme=obj.get("x_nohaven_classification_scheme"),
            classification=obj.get("x_nohaven_classification"),
            source=f"taxii {obj.get('id', '')}"[:200],
        ),
        quality_required=False,
    )
    existing = hashes_repo.entry_by_value(session, list_id, clean.signal_type, clean.value)
    if existing is not None and existing.is_live:
        return "skipped"  # already here: a pull repeated
    hashes_service.store_entry(
        session,
        actor=actor,
        hash_list=hash_list,
        clean=clean,
        seq=hashes_repo.take_seqs(session, list_id, 1),
    )
    return "added"


def source_password(source: TaxiiSource, *, keys: crypto.Keyring) -> str | None:
    """The collection's password, opened for a pull (sealed at rest, bound to its source)."""
    if not source.password_sealed:
        return None
    return crypto.unseal(keys, source.password_sealed, context=_PASSWORD.context(source.id))


def pull(
    session: Session, *, source_id: str, keys: crypto.Keyring, opener: Opener = open_collection
) -> PullOutcome:
    """Apply what the collection added since the checkpoint, in the caller's transaction.
    A collection that cannot be read is recorded on the source, and nothing else changes."""
    source = session.get(TaxiiSource, source_id)
    if source is None:
        raise NotFound("No such TAXII source.")
    actor = Actor.system("taxii source")
    password = source_password(source, keys=keys)
    outcome = PullOutcome()
    source.last_pull_at = utcnow()
    savepoint = session.begin_nested()
    try:
        collection = opener(source.collection_url, source.username, password)
        since = {"added_after": source.added_after} if source.added_after else {}
        latest = source.added_after
        for envelope in _pages(collection.get_manifest, **since):
            for item in envelope.get("objects", []):
                added = str(item.get("date_added", ""))
                latest = max(latest or added, added)
        for envelope in _pages(collection.get_objects, **since):
            for obj in envelope.get("objects", []):
                result = _apply(session, actor, source.list_id, obj)
                setattr(outcome, result, getattr(outcome, result) + 1)
    except (NohavenError, ValueError, OSError) as exc:
        savepoint.rollback()
        source.last_error = str(getattr(exc, "detail", None) or exc)[:2000]
        return PullOutcome(error=source.last_error)
    except Exception as exc:  # the client raises requests' and its own errors
        savepoint.rollback()
        source.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        return PullOutcome(error=source.last_error)
    savepoint.commit()
    source.added_after = latest
    source.last_error = None
    source.last_outcome = (
        f"{outcome.added} added, {outcome.tombstoned} tombstoned, {outcome.skipped} skipped"
    )
    hash_list = session.get(HashList, source.list_id)
    if hash_list is not None:
        hashes_service.record_audit(
            session,
            actor,
            "taxii_pull",
            hash_list,
            added=outcome.added,
            tombstoned=outcome.tombstoned,
            skipped=outcome.skipped,
        )
    return outcome
