"""The demo: three agencies, exactly the overlapping selectors raise hits, twice loads once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.deconfliction import demo, service
from nohaven.deconfliction.models import Hit, Registration
from nohaven.demo import load_demo
from nohaven.members.models import Organisation, User


def _actor(db: Session, email: str) -> Actor:
    user = db.execute(select(User).where(User.email == email)).scalar_one()
    db.refresh(user, ["organisation"])
    return auth_service.actor_for(db, user)


def test_demo_raises_exactly_the_overlapping_hits(db: Session) -> None:
    load_demo(db)
    count = db.scalar(select(func.count()).select_from(Registration))
    load_demo(db)
    assert db.scalar(select(func.count()).select_from(Registration)) == count == 10
    assert db.scalar(select(func.count()).select_from(Hit)) == 2  # the e-mail and the wallet
    nca = service.list_hits(db, actor=_actor(db, "analyst@nca.demo.nohaven.test"))
    # The wallet hit waits for the masked AFP to reveal itself.
    assert [h.selector_type for h in nca] == ["email"]
    assert {c.organisation_name for c in nca[0].counterparts} == {
        "Australian Federal Police",
        "Homeland Security Investigations",
    }
    afp = service.list_hits(db, actor=_actor(db, "analyst@afp.demo.nohaven.test"))
    assert sorted(h.selector_type for h in afp) == ["email", "wallet"]
    hsi = service.list_hits(db, actor=_actor(db, "analyst@hsi.demo.nohaven.test"))
    assert [h.selector_type for h in hsi] == ["email"]
    assert demo.SHARED_EMAIL not in str(db.execute(select(Registration.sealed_contact)).all())
    assert db.execute(select(Organisation).where(Organisation.short_name == "NCA")).scalar_one()
