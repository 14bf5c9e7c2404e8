"""Deconfliction fixtures: a configured OPRF key, law-enforcement agencies and a client."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import DeconflictionSettings, Settings, get_settings
from nohaven.deconfliction import client
from nohaven.deconfliction.keys import server_key
from nohaven.deconfliction.local import LocalTransport
from nohaven.deconfliction.selectors import Selector, normalise
from nohaven.members.models import Organisation, OrganisationKind, User
from tests.factories import Factory

TEST_KEY = "11" * 32


@pytest.fixture
def settings(database_url: str) -> Settings:
    return get_settings().model_copy(
        update={"database_url": database_url, "oprf_key": SecretStr(TEST_KEY), "demo": False}
    )


@pytest.fixture
def limits() -> DeconflictionSettings:
    return DeconflictionSettings()


@dataclass
class Agency:
    org: Organisation
    user: User
    actor: Actor
    transport: LocalTransport
    derived: list[client.Derived]

    def register(
        self,
        values: Sequence[Selector],
        *,
        case: str = "CASE-1",
        masked: bool = False,
        card: dict[str, str] | None = None,
    ) -> client.RegistrationReport:
        report, derived = client.register_selectors(
            self.transport,
            selectors=values,
            case_reference=case,
            handling_code="H1",
            contact_card=card or {"officer": f"Officer of {self.org.name}"},
            masked=masked,
        )
        self.derived.extend(derived)
        return report


AgencyMaker = Callable[..., Agency]


@pytest.fixture
def agency(
    db: Session, factory: Factory, settings: Settings, limits: DeconflictionSettings
) -> AgencyMaker:
    def make(name: str, country: str = "GB") -> Agency:
        org = factory.organisation(name, kind=OrganisationKind.LAW_ENFORCEMENT, country=country)
        user = factory.user(org, roles=("analyst",))
        actor = factory.actor(user)
        return Agency(org, user, actor, LocalTransport(db, actor, server_key(settings), limits), [])

    return make


def email(value: str) -> Selector:
    return normalise("email", value)
