"""Accounts: who may create whom, and what a password must be."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from nohaven.auth import users as accounts
from nohaven.auth.actor import Actor
from nohaven.errors import Forbidden, InvalidInput
from nohaven.members.schemas import UserCreate
from tests.factories import Factory

SYSTEM = Actor.system("test")


def test_org_admin_manages_only_own_users(factory: Factory, db: Session) -> None:
    mine, theirs = factory.organisation(), factory.organisation()
    admin = factory.user(mine, roles=("org_admin",))
    actor = factory.actor(admin)
    made = accounts.create_user(
        db,
        actor=actor,
        data=UserCreate(
            email="New.Person@Example.org",
            display_name="New",
            organisation_id=mine.id,
            roles=["analyst"],
            password="a long enough password",
        ),
        settings=factory.settings,
    )
    assert made.email == "new.person@example.org"
    with pytest.raises(Forbidden):
        accounts.create_user(
            db,
            actor=actor,
            data=UserCreate(
                email="x@example.org",
                display_name="X",
                organisation_id=theirs.id,
                roles=["analyst"],
                password="a long enough password",
            ),
            settings=factory.settings,
        )
    with pytest.raises(Forbidden):
        accounts.create_user(
            db,
            actor=actor,
            data=UserCreate(
                email="y@example.org",
                display_name="Y",
                organisation_id=mine.id,
                roles=["secretariat_admin"],
                password="a long enough password",
            ),
            settings=factory.settings,
        )
    assert {u.organisation_id for u in accounts.list_users(db, actor=actor)} == {mine.id}


def test_weak_password_is_refused(factory: Factory, db: Session) -> None:
    org = factory.organisation()
    with pytest.raises(InvalidInput):
        accounts.create_user(
            db,
            actor=SYSTEM,
            data=UserCreate(
                email="weak@example.org",
                display_name="W",
                organisation_id=org.id,
                roles=["analyst"],
                password="aaaaaaaaaaaa",
            ),
            settings=factory.settings,
        )
