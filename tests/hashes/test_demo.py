"""The demo lists load once, with the distribution they claim."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.auth import service as auth_service
from nohaven.auth import users as accounts
from nohaven.config import Settings
from nohaven.hashes import demo, service
from nohaven.hashes.models import HashEntry, HashList
from nohaven.members import demo as members_demo


def test_demo_loads_once_and_is_shared_as_described(db: Session, settings: Settings) -> None:
    members_demo.load(db, settings=settings)
    demo.load(db)
    count = db.execute(select(func.count()).select_from(HashEntry)).scalar_one()
    demo.load(db)
    assert db.execute(select(func.count()).select_from(HashEntry)).scalar_one() == count == 42
    lists = {h.name: h for h in db.execute(select(HashList)).scalars()}
    assert lists[demo.NCA_LIST].tlp == "TLP:AMBER"
    assert lists[demo.AFP_LIST].tlp == "TLP:RED"

    def sees(email: str) -> set[str]:
        user = accounts.find_user(db, email=email)
        assert user is not None
        actor = auth_service.actor_for(db, user)
        return {h.name for h in service.visible_lists(db, actor=actor)}

    assert sees("analyst@afp.demo.nohaven.test") == {demo.NCA_LIST, demo.AFP_LIST}
    assert sees("analyst@hsi.demo.nohaven.test") == {demo.NCA_LIST, demo.AFP_LIST}
    assert sees("analyst@nca.demo.nohaven.test") == {demo.NCA_LIST, demo.AFP_LIST}
    assert sees("observer@ecpat.demo.nohaven.test") == set()
