"""A referral's selectors checked blind against the other participants' deconfliction
registrations, through the deconfliction service's OPRF: the sender learns who holds one, the
holder is told only that a participant holds the same target, nothing is registered, and an
agency outside the operation is never named."""

from __future__ import annotations

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.deconfliction import client
from nohaven.deconfliction.keys import server_key
from nohaven.deconfliction.local import LocalTransport
from nohaven.deconfliction.models import Hit, Registration
from nohaven.deconfliction.selectors import normalise
from nohaven.members.models import User
from nohaven.notifications.models import Notice
from nohaven.operations import referrals
from nohaven.operations.schemas import ReferralCreate, SelectorIn
from tests.operations.conftest import SUSPECT_EMAIL, World, running


def _register(world: World, db: Session, settings: Settings, user: User, value: str) -> None:
    actor = world.actor(user)
    transport = LocalTransport(db, actor, server_key(settings), settings.deconfliction)
    client.register_selectors(
        transport,
        selectors=[normalise("email", value)],
        case_reference="CASE-OPS-1",
        handling_code="H1",
        contact_card={"officer": "desk"},
    )


def test_the_holder_is_found_blind(world: World, db: Session, settings: Settings) -> None:
    assert settings.oprf_key == SecretStr("22" * 32)
    activity = running(world, db)
    # AU holds the suspect's e-mail in deconfliction; the bystander (not a participant) too.
    _register(world, db, settings, world.au, SUSPECT_EMAIL)
    _register(world, db, settings, world.bystander, SUSPECT_EMAIL)
    registrations = db.scalar(select(func.count()).select_from(Registration))
    hits = db.scalar(select(func.count()).select_from(Hit))
    check = referrals.blind_check_for(settings)

    found = referrals.check(
        db,
        actor=world.actor(world.us),
        activity_id=activity.id,
        selectors=[SelectorIn(type="email", value=SUSPECT_EMAIL.upper())],
        blind_check=check,
    )
    assert found.holder_names == [world.au_org.name]  # never the bystander outside it
    assert found.checked == 1
    told = db.scalars(
        select(Notice.title).where(
            Notice.organisation_id == world.au_org.id, Notice.kind == "operations.deconfliction"
        )
    ).all()
    assert told == ["Tidewater: another participant holds a target you registered in deconfliction"]
    assert SUSPECT_EMAIL not in told[0]
    # Nothing registered, no hit raised by the check.
    assert db.scalar(select(func.count()).select_from(Registration)) == registrations
    assert db.scalar(select(func.count()).select_from(Hit)) == hits

    nothing = referrals.check(
        db,
        actor=world.actor(world.us),
        activity_id=activity.id,
        selectors=[SelectorIn(type="email", value="someone.else@example.org")],
        blind_check=check,
    )
    assert nothing.holder_names == []

    sent = referrals.send(
        db,
        actor=world.actor(world.us),
        activity_id=activity.id,
        data=ReferralCreate.model_validate(
            {
                "receiver_organisation_id": world.au_org.id,
                "selectors": [{"type": "email", "value": SUSPECT_EMAIL}],
                "summary": "Synthetic",
            }
        ),
        limits=settings.operations,
        blind_check=check,
    )
    assert sent.deconfliction_matches == 1
