"""Hash lists, entries, tombstones, trust votes, feedback, sightings and the change feed."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.hashes import classification, feed, service, trust
from nohaven.hashes.models import HashList, Sighting
from nohaven.hashes.schemas import (
    EntryCreate,
    EntryUpdate,
    FeedbackCreate,
    HashListCreate,
    HashListUpdate,
    VoteCreate,
)
from nohaven.notifications.models import Notice
from tests.factories import Factory
from tests.hashes.conftest import World, md5_entry, party, pdq_entry, shared_list


def test_list_is_seen_by_owner_and_named_partner_not_by_a_third(db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    for who in (world.owner, world.partner):
        assert hash_list in service.visible_lists(db, actor=who.actor)
        assert service.get_list(db, actor=who.actor, list_id=hash_list.id) is hash_list
    assert hash_list not in service.visible_lists(db, actor=world.third.actor)
    with pytest.raises(NotFound):
        service.get_list(db, actor=world.third.actor, list_id=hash_list.id)
    with pytest.raises(NotFound):
        feed.changes(db, actor=world.third.actor, list_id=hash_list.id, since=0)


def test_partner_may_not_change_or_share_the_list(db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    with pytest.raises(Forbidden):
        service.add_entry(db, actor=world.partner.actor, list_id=hash_list.id, data=md5_entry())
    with pytest.raises(Forbidden):
        service.update_list(
            db,
            actor=world.partner.actor,
            list_id=hash_list.id,
            data=HashListUpdate(audience_organisation_ids=[world.third.org.id]),
        )


def test_sharing_with_a_third_organisation_later(db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    service.update_list(
        db,
        actor=world.owner.actor,
        list_id=hash_list.id,
        data=HashListUpdate(audience_organisation_ids=[world.partner.org.id, world.third.org.id]),
    )
    assert hash_list in service.visible_lists(db, actor=world.third.actor)
    with pytest.raises(InvalidInput):
        service.update_list(
            db,
            actor=world.owner.actor,
            list_id=hash_list.id,
            data=HashListUpdate(audience_organisation_ids=["no-such-org"]),
        )


def test_values_are_validated_and_stored_canonically(db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    owner = world.owner.actor
    entry = service.add_entry(
        db, actor=owner, list_id=hash_list.id, data=md5_entry("D41D8CD98F00B204E9800998ECF8427E")
    )
    assert entry.value == "d41d8cd98f00b204e9800998ecf8427e"
    with pytest.raises(Conflict):
        service.add_entry(
            db, actor=owner, list_id=hash_list.id, data=md5_entry(entry.value.upper())
        )
    bad = [
        md5_entry("abc"),
        pdq_entry("zz" * 32),
        pdq_entry(quality=49),
        pdq_entry(quality=101),
        EntryCreate(signal_type="pdq", value="ab" * 32),  # type: ignore[arg-type]
        EntryCreate(signal_type="sha1", value="ab" * 32),  # type: ignore[arg-type]
        EntryCreate(signal_type="photodna", value="not base64!"),  # type: ignore[arg-type]
        md5_entry(classification_scheme="uk", classification="D"),
        md5_entry(classification_scheme="nope", classification="A"),
    ]
    for data in bad:
        with pytest.raises(InvalidInput):
            service.add_entry(db, actor=owner, list_id=hash_list.id, data=data)
    photodna = base64.b64encode(bytes(range(144))).decode()
    stored = service.add_entry(
        db,
        actor=owner,
        list_id=hash_list.id,
        data=EntryCreate(
            signal_type="photodna",  # type: ignore[arg-type]
            value=photodna,
            classification_scheme="ncmec",
            classification="a1",
            series="Series X",
            victim_identified=True,
        ),
    )
    assert (stored.classification_scheme, stored.classification) == ("ncmec", "A1")
    assert stored.victim_identified
    assert not stored.offender_identified
    assert stored.added_by_id == world.owner.user.id


def test_tombstones_and_feed_carry_every_change_in_order(db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    owner = world.owner.actor
    a = service.add_entry(db, actor=owner, list_id=hash_list.id, data=md5_entry())
    b = service.add_entry(db, actor=owner, list_id=hash_list.id, data=pdq_entry())
    first = feed.changes(db, actor=world.partner.actor, list_id=hash_list.id, since=0)
    assert [(feed.change_kind(e), e.id) for e in first.entries] == [
        ("added", a.id),
        ("added", b.id),
    ]
    service.tombstone_entry(db, actor=owner, entry_id=a.id, reason="wrongly listed")
    service.update_entry(
        db, actor=owner, entry_id=b.id, data=EntryUpdate(series="S1", offender_identified=True)
    )
    later = feed.changes(
        db, actor=world.partner.actor, list_id=hash_list.id, since=first.checkpoint
    )
    assert [(feed.change_kind(e), e.id) for e in later.entries] == [
        ("tombstoned", a.id),
        ("updated", b.id),
    ]
    assert later.checkpoint > first.checkpoint
    assert not later.more
    # tombstoned, not deleted; the row remains and cannot be tombstoned twice
    assert db.get(type(a), a.id) is not None
    with pytest.raises(Conflict):
        service.tombstone_entry(db, actor=owner, entry_id=a.id, reason="")
    paged = feed.changes(db, actor=owner, list_id=hash_list.id, since=0, limit=1)
    assert paged.more
    assert len(paged.entries) == 1
    empty = feed.changes(db, actor=owner, list_id=hash_list.id, since=later.checkpoint)
    assert empty.entries == []
    assert empty.checkpoint == later.checkpoint
    # adding a tombstoned hash again revives it as an update
    revived = service.add_entry(db, actor=owner, list_id=hash_list.id, data=md5_entry(a.value))
    assert revived.id == a.id
    assert revived.is_live


def _voter(factory: Factory, db: Session, world: World, hash_list: HashList) -> Actor:
    """Another organisation, added to the list's distribution."""
    p = party(factory, "Voter")
    service.update_list(
        db,
        actor=world.owner.actor,
        list_id=hash_list.id,
        data=HashListUpdate(
            audience_organisation_ids=[*hash_list.audience_organisation_ids, p.org.id]
        ),
    )
    return p.actor


def test_trust_after_three_independent_undisputed_votes(
    db: Session, factory: Factory, world: World
) -> None:
    hash_list = shared_list(db, world)
    entry = service.add_entry(
        db,
        actor=world.owner.actor,
        list_id=hash_list.id,
        data=md5_entry(classification_scheme="vics_us", classification="1"),
    )
    confirm = VoteCreate(verdict="confirm")  # type: ignore[arg-type]
    with pytest.raises(Forbidden):  # the owner does not vote on its own entries
        trust.vote(db, actor=world.owner.actor, entry_id=entry.id, data=confirm)
    with pytest.raises(NotFound):
        trust.vote(db, actor=world.third.actor, entry_id=entry.id, data=confirm)
    trust.vote(db, actor=world.partner.actor, entry_id=entry.id, data=confirm)
    trust.vote(db, actor=world.partner.actor, entry_id=entry.id, data=confirm)  # same org
    second = _voter(factory, db, world, hash_list)
    trust.vote(db, actor=second, entry_id=entry.id, data=confirm)
    assert not entry.trusted
    third = _voter(factory, db, world, hash_list)
    trust.vote(db, actor=third, entry_id=entry.id, data=confirm)
    assert entry.trusted
    # a dispute withdraws trust; so does a new classification
    fourth = _voter(factory, db, world, hash_list)
    trust.vote(db, actor=fourth, entry_id=entry.id, data=VoteCreate(verdict="dispute"))  # type: ignore[arg-type]
    assert not entry.trusted
    trust.vote(db, actor=fourth, entry_id=entry.id, data=confirm)
    assert entry.trusted
    service.update_entry(
        db,
        actor=world.owner.actor,
        entry_id=entry.id,
        data=EntryUpdate(classification_scheme="uk", classification="A"),
    )
    assert not entry.trusted


def test_per_list_threshold(db: Session, world: World) -> None:
    hash_list = shared_list(db, world, threshold=1)
    entry = service.add_entry(
        db,
        actor=world.owner.actor,
        list_id=hash_list.id,
        data=md5_entry(classification_scheme="uk", classification="B"),
    )
    trust.vote(
        db,
        actor=world.partner.actor,
        entry_id=entry.id,
        data=VoteCreate(verdict="confirm"),  # type: ignore[arg-type]
    )
    assert entry.trusted


def test_feedback_and_sightings_visible_to_owner_only(db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    entry = service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=md5_entry())
    db.add(
        Sighting(
            entry_id=entry.id,
            list_id=hash_list.id,
            list_owner_organisation_id=hash_list.owner_organisation_id,
            organisation_id=world.partner.org.id,
            user_id=world.partner.user.id,
            actor_label="partner",
            distance=0,
        )
    )
    db.flush()
    trust.give_feedback(
        db,
        actor=world.partner.actor,
        entry_id=entry.id,
        data=FeedbackCreate(verdict="false_positive", comment="a logo"),  # type: ignore[arg-type]
    )
    owner_view = service.entry_view(db, actor=world.owner.actor, entry_id=entry.id)
    assert [f.verdict for f in owner_view.feedback] == ["false_positive"]
    notices = db.execute(
        select(Notice).where(Notice.organisation_id == world.owner.org.id)
    ).scalars()
    assert [(n.kind, n.link) for n in notices] == [("hashes.feedback", f"/hash-entries/{entry.id}")]
    assert owner_view.sightings is not None
    assert len(owner_view.sightings) == 1
    partner_view = service.entry_view(db, actor=world.partner.actor, entry_id=entry.id)
    assert partner_view.sightings is None
    assert len(service.list_sightings(db, actor=world.owner.actor, list_id=hash_list.id)) == 1
    with pytest.raises(Forbidden):
        service.list_sightings(db, actor=world.partner.actor, list_id=hash_list.id)
    with pytest.raises(NotFound):
        service.entry_view(db, actor=world.third.actor, entry_id=entry.id)


def test_every_change_is_audited(db: Session, world: World) -> None:
    hash_list = shared_list(db, world)
    entry = service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=md5_entry())
    service.tombstone_entry(db, actor=world.owner.actor, entry_id=entry.id, reason="x")
    actions = db.execute(
        select(AuditEntry.action).where(AuditEntry.resource_id == hash_list.id)
    ).scalars()
    assert list(actions) == ["hashes.list_create", "hashes.entry_add", "hashes.entry_tombstone"]


def test_create_list_refuses_unknown_recipients(db: Session, world: World) -> None:
    with pytest.raises(InvalidInput):
        service.create_list(
            db,
            actor=world.owner.actor,
            data=HashListCreate(name="Bad", audience_body_ids=["nope"]),
        )


def test_crosswalk_is_honest() -> None:
    by = {m.scheme: m for m in classification.crosswalk("ncmec", "A1")}
    assert by["interpol"].codes == ("baseline",)
    assert by["interpol"].status == "exact"
    assert by["uk"].status == "ambiguous"
    assert by["vics_us"].codes == ("1",)
    vics = {m.scheme: m for m in classification.crosswalk("vics_us", "3")}
    assert vics["uk"].status == "none"
    assert vics["uk"].note
    assert classification.vics_category("uk", "A") == 1
    assert classification.vics_category("interpol", "national") is None
    assert classification.normalise("interpol", "Baseline") == ("interpol", "baseline")
