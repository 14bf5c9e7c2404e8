"""Hash lists and their entries: creating, sharing, changing, tombstoning; an entry's page
and a list's sightings. Trust votes and match feedback are in `trust`, the change feed and
export in `feed`. Every function asks the policy first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, get_visible_or_404, hidden, require
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.hashes import announce, classification, signals
from nohaven.hashes import repository as repo
from nohaven.hashes.models import HashEntry, HashList, MatchFeedback, Sighting, TrustVote
from nohaven.hashes.schemas import EntryCreate, EntryUpdate, HashListCreate, HashListUpdate
from nohaven.kit.clock import utcnow


def record_audit(
    session: Session, actor: Actor, action: str, hash_list: HashList, **summary: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"hashes.{action}",
        resource_type="hash_list",
        resource_id=hash_list.id,
        organisation_id=hash_list.owner_organisation_id,
        summary=summary,
    )


def organisation_of(actor: Actor) -> str:
    if actor.organisation_id is None:  # the rules already refuse this; typed for the checker
        raise Forbidden("Only a member organisation's users work on hash lists.")
    return actor.organisation_id


# --- lists ----------------------------------------------------------------------------------


def _check_audience(session: Session, org_ids: list[str], body_ids: list[str]) -> None:
    missing_orgs = set(org_ids) - repo.existing_organisation_ids(session, org_ids)
    missing_bodies = set(body_ids) - repo.existing_body_ids(session, body_ids)
    errors = [
        {"field": "audience_organisation_ids", "message": f"unknown organisation {o}"}
        for o in sorted(missing_orgs)
    ] + [
        {"field": "audience_body_ids", "message": f"unknown body {b}"}
        for b in sorted(missing_bodies)
    ]
    if errors:
        raise InvalidInput("The distribution names unknown recipients.", errors=errors)


def create_list(
    session: Session,
    *,
    actor: Actor,
    data: HashListCreate,
    owner_organisation_id: str | None = None,
) -> HashList:
    """A new list owned by the actor's organisation (the system, loading demo data or
    migrating, names the owner instead)."""
    require(actor, Action.CREATE, HashList)
    owner = (
        owner_organisation_id
        if actor.is_system and owner_organisation_id
        else organisation_of(actor)
    )
    orgs = sorted(set(data.audience_organisation_ids) - {owner})
    bodies = sorted(set(data.audience_body_ids))
    _check_audience(session, orgs, bodies)
    hash_list = HashList(
        name=data.name.strip(),
        description=data.description,
        owner_organisation_id=owner,
        tlp=data.tlp.value,
        audience_organisation_ids=orgs,
        audience_body_ids=bodies,
        trust_threshold=data.trust_threshold,
        kind=data.kind.value,
        change_seq=0,
        created_by_id=actor.user_id,
    )
    session.add(hash_list)
    session.flush()
    record_audit(
        session, actor, "list_create", hash_list, tlp=hash_list.tlp, orgs=orgs, bodies=bodies
    )
    return hash_list


def get_list(
    session: Session, *, actor: Actor, list_id: str, action: Action = Action.READ
) -> HashList:
    """A list the actor may see, checked for ``action``. A list the actor may not see is
    reported as not found, so its existence is not revealed."""
    return get_visible_or_404(session, actor, HashList, list_id, action=action)


def list_id_named(session: Session, *, actor: Actor, ref: str) -> str:
    """The id of the list an operator named on the command line, by its id or its name (any
    case), among the lists the actor sees; a name two lists share asks for the id."""
    lists = visible_lists(session, actor=actor)
    if any(h.id == ref for h in lists):
        return ref
    named = [h.id for h in lists if h.name.casefold() == ref.casefold()]
    if not named:
        raise NotFound("No such list.")
    if len(named) > 1:
        raise InvalidInput(f"Several lists are named {ref!r}: give the list's id.")
    return named[0]


def visible_lists(session: Session, *, actor: Actor) -> list[HashList]:
    require(actor, Action.LIST, HashList)
    return [h for h in repo.all_lists(session) if can(actor, Action.LIST, h)]


def update_list(session: Session, *, actor: Actor, list_id: str, data: HashListUpdate) -> HashList:
    hash_list = get_list(session, actor=actor, list_id=list_id, action=Action.MANAGE)
    changed = data.model_dump(exclude_unset=True, exclude_none=True)
    before = (
        hash_list.tlp,
        list(hash_list.audience_organisation_ids),
        list(hash_list.audience_body_ids),
    )
    if "audience_organisation_ids" in changed or "audience_body_ids" in changed:
        orgs = sorted(
            set(changed.get("audience_organisation_ids", hash_list.audience_organisation_ids))
            - {hash_list.owner_organisation_id}
        )
        bodies = sorted(set(changed.get("audience_body_ids", hash_list.audience_body_ids)))
        _check_audience(session, orgs, bodies)
        hash_list.audience_organisation_ids = orgs
        hash_list.audience_body_ids = bodies
    if data.name is not None:
        hash_list.name = data.name.strip()
    if data.description is not None:
        hash_list.description = data.description
    if data.tlp is not None:
        hash_list.tlp = data.tlp.value
    if data.trust_threshold is not None:
        hash_list.trust_threshold = data.trust_threshold
    hash_list.updated_at = utcnow()
    session.flush()
    record_audit(
        session,
        actor,
        "list_update",
        hash_list,
        fields=sorted(changed),
        tlp=hash_list.tlp,
        orgs=hash_list.audience_organisation_ids,
        bodies=hash_list.audience_body_ids,
    )
    if hash_list.tlp != before[0]:
        announce.list_changed(session, actor=actor, hash_list=hash_list, change="tlp_changed")
    elif (hash_list.audience_organisation_ids, hash_list.audience_body_ids) != tuple(before[1:]):
        announce.list_changed(
            session, actor=actor, hash_list=hash_list, change="distribution_changed"
        )
    return hash_list


# --- entries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanEntry:
    """An entry's values after validation, ready to store."""

    signal_type: str
    value: str
    pdq_quality: int | None
    classification_scheme: str | None
    classification: str | None
    series: str | None
    victim_identified: bool
    offender_identified: bool
    source: str | None
    comment: str


def clean_entry(data: EntryCreate, *, quality_required: bool = True) -> CleanEntry:
    kind = signals.signal_type(data.signal_type)
    scheme, code = classification.normalise(data.classification_scheme, data.classification)
    return CleanEntry(
        signal_type=kind.value,
        value=signals.canonical_value(kind, data.value),
        pdq_quality=signals.check_quality(kind, data.pdq_quality, required=quality_required),
        classification_scheme=scheme,
        classification=code,
        series=(data.series or "").strip() or None,
        victim_identified=data.victim_identified,
        offender_identified=data.offender_identified,
        source=(data.source or "").strip() or None,
        comment=data.comment,
    )


def store_entry(
    session: Session, *, actor: Actor, hash_list: HashList, clean: CleanEntry, seq: int
) -> tuple[HashEntry, str]:
    """Insert, revive or update one entry under change number ``seq``; the caller checked the
    policy and reserved ``seq``. Returns the entry and "added" or "updated"."""
    now = utcnow()
    entry = repo.entry_by_value(session, hash_list.id, clean.signal_type, clean.value)
    if entry is None:
        entry = HashEntry(
            list_id=hash_list.id,
            added_by_id=actor.user_id,
            created_seq=seq,
            created_at=now,
            classified_at=now,
            trusted=False,
            **clean.__dict__,
        )
        entry.seq = seq
        entry.updated_at = now
        session.add(entry)
        return entry, "added"
    if (entry.classification_scheme, entry.classification) != (
        clean.classification_scheme,
        clean.classification,
    ):
        entry.classified_at = now
        entry.trusted = False
    for field, value in clean.__dict__.items():
        setattr(entry, field, value)
    entry.tombstoned_at = None
    entry.tombstone_reason = None
    entry.seq = seq
    entry.updated_at = now
    return entry, "updated"


def add_entry(session: Session, *, actor: Actor, list_id: str, data: EntryCreate) -> HashEntry:
    hash_list = get_list(session, actor=actor, list_id=list_id, action=Action.UPDATE)
    clean = clean_entry(data)
    existing = repo.entry_by_value(session, list_id, clean.signal_type, clean.value)
    if existing is not None and existing.is_live:
        raise Conflict("This hash is already in the list.")
    entry, kind = store_entry(
        session,
        actor=actor,
        hash_list=hash_list,
        clean=clean,
        seq=repo.take_seqs(session, list_id, 1),
    )
    session.flush()
    record_audit(session, actor, "entry_add", hash_list, entry=entry.id, change=kind)
    announce.list_changed(
        session, actor=actor, hash_list=hash_list, change="entries_added", counts={"added": 1}
    )
    return entry


def entry_and_list(
    session: Session, *, actor: Actor, entry_id: str, action: Action
) -> tuple[HashEntry, HashList]:
    entry = session.get(HashEntry, entry_id)
    if entry is None:
        raise hidden("hash_entry")
    try:
        hash_list = get_list(session, actor=actor, list_id=entry.list_id, action=action)
    except NotFound as exc:
        raise hidden("hash_entry") from exc  # an entry of a hidden list is itself hidden
    return entry, hash_list


def get_entry(session: Session, *, actor: Actor, entry_id: str) -> tuple[HashEntry, HashList]:
    return entry_and_list(session, actor=actor, entry_id=entry_id, action=Action.READ)


def update_entry(session: Session, *, actor: Actor, entry_id: str, data: EntryUpdate) -> HashEntry:
    entry, hash_list = entry_and_list(session, actor=actor, entry_id=entry_id, action=Action.UPDATE)
    if not entry.is_live:
        raise Conflict("A tombstoned entry cannot be changed; add the hash again instead.")
    fields = data.model_dump(exclude_unset=True)
    if "classification_scheme" in fields or "classification" in fields:
        scheme, code = classification.normalise(
            fields.get("classification_scheme", entry.classification_scheme),
            fields.get("classification", entry.classification),
        )
        if (scheme, code) != (entry.classification_scheme, entry.classification):
            entry.classification_scheme, entry.classification = scheme, code
            entry.classified_at = utcnow()
            entry.trusted = False  # votes judged the old classification
    for name in ("series", "source", "comment"):
        if name in fields:
            setattr(entry, name, fields[name] if fields[name] is not None else None)
    for name in ("victim_identified", "offender_identified"):
        if fields.get(name) is not None:
            setattr(entry, name, bool(fields[name]))
    entry.seq = repo.take_seqs(session, hash_list.id, 1)
    entry.updated_at = utcnow()
    session.flush()
    record_audit(session, actor, "entry_update", hash_list, entry=entry.id, fields=sorted(fields))
    return entry


def tombstone_entry(session: Session, *, actor: Actor, entry_id: str, reason: str) -> HashEntry:
    entry, hash_list = entry_and_list(session, actor=actor, entry_id=entry_id, action=Action.UPDATE)
    if not entry.is_live:
        raise Conflict("This entry is already removed.")
    entry.tombstoned_at = utcnow()
    entry.tombstone_reason = reason.strip()[:200] or "removed"
    entry.seq = repo.take_seqs(session, hash_list.id, 1)
    entry.updated_at = entry.tombstoned_at
    session.flush()
    record_audit(session, actor, "entry_tombstone", hash_list, entry=entry.id)
    announce.list_changed(
        session,
        actor=actor,
        hash_list=hash_list,
        change="entries_tombstoned",
        counts={"tombstoned": 1},
    )
    return entry


@dataclass
class EntryView:
    entry: HashEntry
    hash_list: HashList
    votes: Sequence[TrustVote]
    feedback: Sequence[MatchFeedback]
    sightings: Sequence[Sighting] | None  # None unless the actor's organisation owns the list


def entry_view(session: Session, *, actor: Actor, entry_id: str) -> EntryView:
    entry, hash_list = get_entry(session, actor=actor, entry_id=entry_id)
    owner = hash_list.owner_organisation_id == actor.organisation_id
    feedback = repo.feedback_of(session, entry.id)
    if not owner:  # a partner sees only its own feedback; the owner sees everyone's
        feedback = [f for f in feedback if f.organisation_id == actor.organisation_id]
    found = repo.sightings(session, entry_id=entry.id)
    sightings = [s for s in found if can(actor, Action.READ, s)] if owner else None
    if sightings is not None:
        record_audit(
            session, actor, "sightings_read", hash_list, entry=entry.id, count=len(sightings)
        )
    return EntryView(entry, hash_list, repo.votes_of(session, entry.id), feedback, sightings)


def entries_with_hash(session: Session, *, actor: Actor, value: str) -> list[HashEntry]:
    """Live entries whose hash is ``value`` (any exact type), in lists the actor may read:
    what a search for a hash finds, without recording a sighting (it is not a match)."""
    text = value.strip().lower()
    kinds = {32: ["md5"], 40: ["sha1"], 64: ["sha256", "pdq"]}.get(len(text), [])
    found = [e for kind in kinds for e in repo.live_entries_with_values(session, kind, [text])]
    lists = repo.lists_by_id(session, {e.list_id for e in found})
    return [e for e in found if e.list_id in lists and can(actor, Action.READ, lists[e.list_id])]


def recent_sightings_count(session: Session, *, actor: Actor, list_id: str, since: datetime) -> int:
    """How many times the owner's list matched since ``since``: a count for the dashboard,
    which shows nothing of who matched (reading the sightings is audited, on their page)."""
    hash_list = get_list(session, actor=actor, list_id=list_id)
    probe = Sighting(list_owner_organisation_id=hash_list.owner_organisation_id)
    if not can(actor, Action.READ, probe):
        return 0
    return repo.sightings_count(session, list_id=list_id, since=since)


def list_sightings(session: Session, *, actor: Actor, list_id: str) -> list[Sighting]:
    hash_list = get_list(session, actor=actor, list_id=list_id)
    probe = Sighting(list_owner_organisation_id=hash_list.owner_organisation_id)
    if not can(actor, Action.READ, probe):
        raise Forbidden("Only the list owner sees its sightings.")
    found = [s for s in repo.sightings(session, list_id=list_id) if can(actor, Action.READ, s)]
    record_audit(session, actor, "sightings_read", hash_list, count=len(found))
    return found
