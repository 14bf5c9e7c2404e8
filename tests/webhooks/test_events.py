"""The events of governance and hash lists reach organisations' webhooks and inboxes: a motion
opened and closed (to the body's voting members), a hash list changed (to those who see it,
by the hashes policy rule) — identifiers and links only, never a hash value."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.governance import flows
from nohaven.hashes import service as hashes
from nohaven.hashes.schemas import EntryCreate, HashListCreate, HashListUpdate
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow
from nohaven.members.models import MembershipRole, Organisation
from nohaven.notifications.models import Notice
from nohaven.webhooks import service
from nohaven.webhooks.addresses import Guard
from nohaven.webhooks.models import Delivery
from nohaven.webhooks.schemas import EndpointCreate
from tests.factories import Factory

HASH = "0f343b0931126a20f133d67c2b018a3b"


def _listen(factory: Factory, settings: Settings, org: Organisation, *kinds: str) -> str:
    issued = service.register_endpoint(
        factory.session,
        actor=factory.actor(factory.user(org, roles=("org_admin",))),
        data=EndpointCreate.model_validate(
            {"url": f"https://hooks.{org.id}.example/in", "kinds": list(kinds)}
        ),
        keyring=data_keyring(settings),
        guard=Guard(),
    )
    return issued.endpoint.id


def _payloads(db: Session, endpoint_id: str) -> list[dict[str, object]]:
    rows = db.scalars(
        select(Delivery).where(Delivery.endpoint_id == endpoint_id).order_by(Delivery.created_at)
    )
    return [json.loads(r.payload) for r in rows]


def test_a_motion_opened_and_closed_reaches_the_voting_members(
    db: Session, factory: Factory, settings: Settings
) -> None:
    body = factory.body("Events Taskforce")
    chair_org = factory.organisation("Chair Agency")
    voter = factory.organisation("Voting Agency")
    observer = factory.organisation("Observing Agency")
    factory.seat(body, chair_org, MembershipRole.CHAIR)
    factory.seat(body, voter, MembershipRole.MEMBER)
    factory.seat(body, observer, MembershipRole.OBSERVER)
    kinds = ("governance.motion.opened", "governance.motion.closed")
    voter_hook = _listen(factory, settings, voter, *kinds)
    observer_hook = _listen(factory, settings, observer, *kinds)
    chair = factory.actor(factory.user(chair_org, roles=("delegate",)))

    motion = flows.table_motion(
        db, actor=chair, body_id=body.id, title="Adopt", closes_at=utcnow() + timedelta(days=2)
    )
    flows.close_motion(db, actor=chair, motion_id=motion.id)

    opened, closed = _payloads(db, voter_hook)
    assert opened["type"] == "governance.motion.opened"
    assert closed["type"] == "governance.motion.closed"
    for payload in (opened, closed):
        data = payload["data"]
        assert isinstance(data, dict)
        assert data["motion_id"] == motion.id
        assert data["path"] == f"/motions/{motion.id}"
        assert "title" not in data  # the notice's words only in a full payload
    assert _payloads(db, observer_hook) == []  # an observer has no vote
    kinds_in_inbox = db.scalars(
        select(Notice.kind).where(Notice.organisation_id == voter.id).order_by(Notice.created_at)
    ).all()
    assert list(kinds_in_inbox) == list(kinds)


def test_a_list_change_reaches_those_who_see_the_list_and_no_one_else(
    db: Session, factory: Factory, settings: Settings
) -> None:
    owner = factory.organisation("List Owner", kind="law_enforcement")
    named = factory.organisation("Named Agency", kind="law_enforcement")
    stranger = factory.organisation("Stranger Agency", kind="law_enforcement")
    hooks = {
        org.id: _listen(factory, settings, org, "hashes.list.changed")
        for org in (owner, named, stranger)
    }
    analyst = factory.actor(factory.user(owner, roles=("analyst",)))
    hash_list = hashes.create_list(
        db,
        actor=analyst,
        data=HashListCreate(name="Series", tlp="TLP:AMBER", audience_organisation_ids=[named.id]),
    )
    entry = hashes.add_entry(
        db,
        actor=analyst,
        list_id=hash_list.id,
        data=EntryCreate.model_validate({"signal_type": "md5", "value": HASH}),
    )
    hashes.tombstone_entry(db, actor=analyst, entry_id=entry.id, reason="wrong")

    [added, tombstoned] = _payloads(db, hooks[named.id])
    assert added["data"] == {
        "list_id": hash_list.id,
        "change": "entries_added",
        "change_seq": "1",
        "tlp": "TLP:AMBER",
        "added": "1",
        "path": f"/hash-lists/{hash_list.id}",
    }
    assert tombstoned["data"]["change"] == "entries_tombstoned"  # type: ignore[index]
    assert len(_payloads(db, hooks[owner.id])) == 2
    assert _payloads(db, hooks[stranger.id]) == []  # TLP:AMBER, not named: nothing at all
    stored = " ".join(r.payload for r in db.scalars(select(Delivery)))
    assert HASH not in stored

    # Opened to everyone: the stranger now sees it, hears of it by notice and webhook.
    hashes.update_list(
        db, actor=analyst, list_id=hash_list.id, data=HashListUpdate(tlp="TLP:CLEAR")
    )
    [shared] = _payloads(db, hooks[stranger.id])
    assert shared["data"]["change"] == "tlp_changed"  # type: ignore[index]
    assert shared["data"]["list_id"] == hash_list.id  # type: ignore[index]
    notices = db.scalars(select(Notice).where(Notice.kind == "hashes.list.changed")).all()
    assert {n.organisation_id for n in notices} == {named.id, stranger.id}
    assert all(HASH not in n.title + n.body for n in notices)
    assert _payloads(db, hooks[owner.id])[-1]["data"]["change"] == "tlp_changed"  # type: ignore[index]
