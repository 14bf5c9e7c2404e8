"""The demo: three agencies, exactly the overlapping selectors raise hits, twice loads once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.deconfliction import demo
from nohaven.deconfliction import hits as hit_service
from nohaven.deconfliction.models import Hit, Registration
from nohaven.deconfliction.selectors import normalise
from nohaven.demo import load_demo
from nohaven.members.models import Organisation, User
from tests.deconfliction.test_api import dump_database


def _actor(db: Session, email: str) -> Actor:
    user = db.execute(select(User).where(User.email == email)).scalar_one()
    db.refresh(user, ["organisation"])
    return auth_service.actor_for(db, user)


def test_demo_raises_exactly_the_overlapping_hits(db: Session, settings: Settings) -> None:
    load_demo(db, settings=settings)
    count = db.scalar(select(func.count()).select_from(Registration))
    load_demo(db, settings=settings)
    assert db.scalar(select(func.count()).select_from(Registration)) == count == 10
    assert db.scalar(select(func.count()).select_from(Hit)) == 2  # the e-mail and the wallet
    nca = hit_service.list_hits(db, actor=_actor(db, "analyst@nca.demo.nohaven.test"))
    # The wallet hit waits for the masked AFP to reveal itself.
    assert [h.selector_type for h in nca] == ["email"]
    assert {c.organisation_name for c in nca[0].counterparts} == {
        "Australian Federal Police",
        "Homeland Security Investigations",
    }
    afp = hit_service.list_hits(db, actor=_actor(db, "analyst@afp.demo.nohaven.test"))
    assert sorted(h.selector_type for h in afp) == ["email", "wallet"]
    hsi = hit_service.list_hits(db, actor=_actor(db, "analyst@hsi.demo.nohaven.test"))
    assert [h.selector_type for h in hsi] == ["email"]
    dump = dump_database(db).lower()
    for _short, _email, reference, _masked, values in demo.PLAN:
        for _type, value, _platform in values:
            assert value.lower().lstrip("@") not in dump, value
            canonical = normalise(_type, value, platform=_platform)
            assert canonical.value.lower() not in dump, value
        assert reference.lower() in dump  # a case reference is stored (it is opaque)
    assert "duty officer" not in dump  # contact cards are sealed
    assert db.execute(select(Organisation).where(Organisation.short_name == "NCA")).scalar_one()
