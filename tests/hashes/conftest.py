"""Helpers for the hashes tests: organisations sharing lists, actors, entries."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.hashes import service
from nohaven.hashes.models import HashList
from nohaven.hashes.schemas import EntryCreate, HashListCreate
from nohaven.members.models import Organisation, User
from tests.factories import Factory


@dataclass
class Party:
    org: Organisation
    user: User
    actor: Actor


@dataclass
class World:
    owner: Party
    partner: Party
    third: Party


def party(factory: Factory, name: str) -> Party:
    org = factory.organisation(f"{name} {secrets.token_hex(3)}", kind="law_enforcement")
    user = factory.user(org, roles=("analyst",), totp=True)
    return Party(org, user, factory.actor(user))


@pytest.fixture
def world(factory: Factory) -> World:
    return World(party(factory, "Owner"), party(factory, "Partner"), party(factory, "Third"))


def shared_list(
    db: Session, world: World, *, tlp: str = "TLP:AMBER", threshold: int = 3
) -> HashList:
    return service.create_list(
        db,
        actor=world.owner.actor,
        data=HashListCreate(
            name=f"List {secrets.token_hex(3)}",
            tlp=tlp,  # type: ignore[arg-type]
            audience_organisation_ids=[world.partner.org.id],
            trust_threshold=threshold,
        ),
    )


def md5_entry(value: str | None = None, **extra: object) -> EntryCreate:
    return EntryCreate.model_validate(
        {"signal_type": "md5", "value": value or secrets.token_hex(16), **extra}
    )


def pdq_entry(value: str | None = None, quality: int = 90, **extra: object) -> EntryCreate:
    return EntryCreate.model_validate(
        {"signal_type": "pdq", "value": value or secrets.token_hex(32), "pdq_quality": quality}
        | extra
    )


def api_headers(
    factory: Factory, user: User, *, scopes: tuple[str, ...] = ("read", "write")
) -> dict[str, str]:
    """Bearer headers for ``user`` with the scopes hash-list calls need."""
    return factory.headers(user, scopes=scopes)
