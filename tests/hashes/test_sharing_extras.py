"""What hash sharing needs beyond the lists: benign lists that cast doubt on matches, flood
quarantine, and exports for a destination country's rules."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from nohaven.config import get_settings
from nohaven.errors import Forbidden
from nohaven.hashes import jurisdiction, matching, quarantine, service
from nohaven.hashes.models import HashEntry, Sighting
from nohaven.hashes.schemas import HashListCreate
from nohaven.kit.clock import utcnow
from nohaven.notifications.models import Notice
from tests.factories import Factory
from tests.hashes.conftest import World, md5_entry, shared_list


def _match(db: Session, world: World, value: str) -> list[matching.Hit]:
    (result,) = matching.match(
        db,
        actor=world.partner.actor,
        index=matching.HashIndex(),
        queries=[("md5", value)],
        settings=get_settings(),
    )
    return result.hits


def test_a_benign_list_flags_a_match_with_its_reason(db: Session, world: World) -> None:
    known = shared_list(db, world)
    value = secrets.token_hex(16)
    service.add_entry(db, actor=world.owner.actor, list_id=known.id, data=md5_entry(value))
    benign = service.create_list(
        db,
        actor=world.third.actor,
        data=HashListCreate(
            name="Stock images",
            tlp="TLP:GREEN",
            kind="benign",
            audience_organisation_ids=[world.partner.org.id],
        ),
    )
    service.add_entry(
        db,
        actor=world.third.actor,
        list_id=benign.id,
        data=md5_entry(value, comment="a stock photo of a beach"),
    )
    (hit,) = _match(db, world, value)  # the benign list is no hit of its own
    assert hit.hash_list.id == known.id
    assert hit.flags == ["benign per Stock images: a stock photo of a beach"]
    # only a benign list the matcher may see casts doubt
    benign.audience_organisation_ids = []
    db.flush()
    (hit,) = _match(db, world, value)
    assert hit.flags == []


def test_a_flood_quarantines_the_entry_and_its_matches_are_flagged(
    db: Session, world: World
) -> None:
    hash_list = shared_list(db, world)
    value = secrets.token_hex(16)
    entry = service.add_entry(
        db, actor=world.owner.actor, list_id=hash_list.id, data=md5_entry(value)
    )
    steady = service.add_entry(db, actor=world.owner.actor, list_id=hash_list.id, data=md5_entry())
    now = utcnow()
    rule = quarantine.FloodRule(window=timedelta(hours=1), baseline=timedelta(hours=10), floor=20)

    def seen(e: HashEntry, count: int, hours_ago: float) -> None:
        db.add_all(
            Sighting(
                entry_id=e.id,
                list_id=hash_list.id,
                list_owner_organisation_id=hash_list.owner_organisation_id,
                organisation_id=world.partner.org.id,
                actor_label="x",
                at=now - timedelta(hours=hours_ago),
            )
            for _ in range(count)
        )

    seen(entry, 30, 0.5)  # suddenly 30 in the hour, never before
    seen(steady, 30, 0.5)  # 30 in the hour, as in every hour before
    for hour in range(1, 11):
        seen(steady, 30, hour + 0.5)
    db.flush()
    assert quarantine.watch(db, rule=rule, now=now) == 1
    assert quarantine.watch(db, rule=rule, now=now) == 0  # held once
    (hit,) = _match(db, world, value)
    assert len(hit.flags) == 1
    assert hit.flags[0].startswith("quarantined: 30 matches")
    notices = db.query(Notice).filter_by(organisation_id=hash_list.owner_organisation_id).all()
    assert any(n.kind == "hashes.quarantine" for n in notices)
    (held,) = quarantine.open_for_list(db, actor=world.owner.actor, list_id=hash_list.id)
    with pytest.raises(Forbidden):  # the partner sees the list; only its owner reviews
        quarantine.review(db, actor=world.partner.actor, quarantine_id=held.id, outcome="release")
    quarantine.review(db, actor=world.owner.actor, quarantine_id=held.id, outcome="release")
    (hit,) = _match(db, world, value)
    assert hit.flags == []


def test_an_export_for_a_country_keeps_what_its_rules_allow(
    db: Session, world: World, factory: Factory
) -> None:
    hash_list = shared_list(db, world)
    codes = [("interpol", "baseline"), ("interpol", "national"), ("uk", "A"), (None, None)]
    for scheme, code in codes:
        service.add_entry(
            db,
            actor=world.owner.actor,
            list_id=hash_list.id,
            data=md5_entry(classification_scheme=scheme, classification=code),
        )
    out = io.StringIO()
    report = jurisdiction.export_for(
        db, actor=world.partner.actor, list_id=hash_list.id, country="nl", fmt="hma", out=out
    )
    assert report.allowed == ["interpol:baseline"]  # no rules for NL: the baseline only
    assert report.written == 1
    assert dict(report.left_out) == {
        "interpol:national is not allowed there": 1,
        "uk:A is not allowed there": 1,
        "unclassified": 1,
    }
    assert out.getvalue().count("interpol:baseline") == 1
    assert "interpol:national" not in out.getvalue()

    with pytest.raises(Forbidden):
        jurisdiction.set_rules(db, actor=world.partner.actor, country="NL", codes=["uk:A"])
    secretariat = factory.actor(factory.user(roles=("secretariat_admin",)))
    jurisdiction.set_rules(
        db,
        actor=secretariat,
        country="NL",
        codes=["interpol:baseline", "interpol:national", "uk:A"],
    )
    report = jurisdiction.export_for(
        db,
        actor=world.partner.actor,
        list_id=hash_list.id,
        country="NL",
        fmt="hma",
        out=io.StringIO(),
    )
    assert report.written == 3
    assert dict(report.left_out) == {"unclassified": 1}
