"""A small body for governance tests: three voting members, an observer, an affiliate and a
secretariat seat, with one delegate each."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.members.models import Body, MembershipRole, Organisation, OrganisationKind, User
from tests.factories import Factory


@dataclass
class Seats:
    body: Body
    chair: Organisation
    a: Organisation
    b: Organisation
    observer: Organisation
    affiliate: Organisation
    secretariat: Organisation
    outsider: Organisation
    users: dict[str, User]
    factory: Factory

    def actor(self, key: str) -> Actor:
        return self.factory.actor(self.users[key])


@pytest.fixture
def seats(factory: Factory, db: Session) -> Seats:
    body = factory.body("Test Taskforce")
    chair = factory.organisation("Chair Agency", kind=OrganisationKind.GOVERNMENT)
    a = factory.organisation("Member A", kind=OrganisationKind.GOVERNMENT)
    b = factory.organisation("Member B", kind=OrganisationKind.GOVERNMENT)
    observer = factory.organisation("Observer NGO", kind=OrganisationKind.NGO)
    affiliate = factory.organisation("Affiliate Co", kind=OrganisationKind.INDUSTRY)
    secretariat = factory.organisation("Secretariat Office", kind=OrganisationKind.NGO)
    outsider = factory.organisation("Outsider Agency", kind=OrganisationKind.GOVERNMENT)
    factory.seat(body, chair, MembershipRole.CHAIR)
    factory.seat(body, a)
    factory.seat(body, b)
    factory.seat(body, observer, MembershipRole.OBSERVER)
    factory.seat(body, affiliate, MembershipRole.AFFILIATE)
    factory.seat(body, secretariat, MembershipRole.SECRETARIAT)
    users = {
        "chair": factory.user(chair, roles=("delegate",)),
        "a": factory.user(a, roles=("delegate",)),
        "a_analyst": factory.user(a, roles=("analyst",)),
        "b": factory.user(b, roles=("delegate",)),
        "observer": factory.user(observer, roles=("delegate",)),
        "affiliate": factory.user(affiliate, roles=("delegate",)),
        "secretariat": factory.user(secretariat, roles=("delegate",)),
        "outsider": factory.user(outsider, roles=("delegate",)),
        "admin": factory.user(secretariat, roles=("secretariat_admin",)),
    }
    return Seats(body, chair, a, b, observer, affiliate, secretariat, outsider, users, factory)


def api_headers(
    factory: Factory, user: User, *, scopes: tuple[str, ...] = ("read", "write")
) -> dict[str, str]:
    """Bearer headers with the scopes governance calls need (no admin scope)."""
    return factory.headers(user, scopes=scopes)
