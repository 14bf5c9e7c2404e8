"""A small world for operations: a body with three law-enforcement agencies that will run an
operation (GB leads, AU and US join), a fourth agency of the same body that does not take
part, an agency of another body, a delegate of the lead agency and the secretariat."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nohaven import migrate
from nohaven.auth.actor import Actor
from nohaven.config import Settings, get_settings
from nohaven.db import create_db_engine
from nohaven.kit.clock import utcnow
from nohaven.members.models import Body, MembershipRole, Organisation, OrganisationKind, User
from nohaven.operations import planning, referrals, service
from nohaven.operations.models import Activity, Phase, Referral
from nohaven.operations.schemas import ActionDayCreate, ActivityCreate, ReferralCreate
from tests.conftest import postgres_database
from tests.factories import Factory

LE = OrganisationKind.LAW_ENFORCEMENT
TEST_KEY = "22" * 32
SUSPECT = "Quentin Marblewood-Synthetic"
SUSPECT_EMAIL = "quentin.marblewood@example.org"
SUMMARY = "Uploads traced to a flat in Perth; synthetic test case only."


@pytest.fixture
def settings(database_url: str) -> Settings:
    return get_settings().model_copy(
        update={"database_url": database_url, "oprf_key": SecretStr(TEST_KEY), "demo": False}
    )


@dataclass
class World:
    body: Body
    other_body: Body
    lead_org: Organisation
    au_org: Organisation
    us_org: Organisation
    bystander_org: Organisation
    elsewhere_org: Organisation
    lead: User
    lead_delegate: User
    au: User
    au_admin: User
    us: User
    bystander: User
    elsewhere: User
    secretariat: User
    factory: Factory

    def actor(self, user: User) -> Actor:
        return self.factory.actor(user)


@pytest.fixture
def world(db: Session, factory: Factory) -> World:
    return make_world(factory)


def make_world(factory: Factory) -> World:
    body, other = factory.body("Test Taskforce"), factory.body("Other Alliance")
    lead_org = factory.organisation("Test Crime Agency", kind=LE, country="GB")
    au_org = factory.organisation("Test Federal Police", kind=LE, country="AU")
    us_org = factory.organisation("Test Homeland Investigations", kind=LE, country="US")
    bystander_org = factory.organisation("Test Bystander Police", kind=LE, country="NZ")
    elsewhere_org = factory.organisation("Test Elsewhere Police", kind=LE, country="CA")
    secretariat_org = factory.organisation("Test Secretariat", kind="intergovernmental")
    for org in (lead_org, au_org, us_org, bystander_org):
        factory.seat(body, org)
    factory.seat(body, secretariat_org, MembershipRole.SECRETARIAT)
    factory.seat(other, elsewhere_org)
    return World(
        body=body,
        other_body=other,
        lead_org=lead_org,
        au_org=au_org,
        us_org=us_org,
        bystander_org=bystander_org,
        elsewhere_org=elsewhere_org,
        lead=factory.user(lead_org),
        lead_delegate=factory.user(lead_org, roles=("delegate",)),
        au=factory.user(au_org),
        au_admin=factory.user(au_org, roles=("org_admin",)),
        us=factory.user(us_org),
        bystander=factory.user(bystander_org),
        elsewhere=factory.user(elsewhere_org),
        secretariat=factory.user(secretariat_org, roles=("secretariat_admin",)),
        factory=factory,
    )


def propose(world: World, db: Session, *, code_name_visible: bool = True) -> Activity:
    return service.propose(
        db,
        actor=world.actor(world.lead),
        data=ActivityCreate(
            body_id=world.body.id,
            code_name="Tidewater",
            title="Coordinated action against a sharing network",
            summary="Targets in GB, AU and US (synthetic).",
            code_name_visible=code_name_visible,
        ),
    )


def running(world: World, db: Session, **kwargs: bool) -> Activity:
    """Proposed, joined by AU and US, planned with one action day, and active."""
    activity = propose(world, db, **kwargs)
    lead = world.actor(world.lead)
    for org, user in ((world.au_org, world.au), (world.us_org, world.us)):
        service.invite(db, actor=lead, activity_id=activity.id, organisation_id=org.id)
        service.answer(db, actor=world.actor(user), activity_id=activity.id, accept=True)
    planning.add_action_day(
        db,
        actor=lead,
        activity_id=activity.id,
        data=ActionDayCreate(label="Day one", starts_at=utcnow() + timedelta(days=3)),
    )
    service.set_phase(db, actor=lead, activity_id=activity.id, phase=Phase.ACTIVE)
    return activity


def refer(world: World, db: Session, activity: Activity, settings: Settings) -> Referral:
    """The US refers a suspect living in Australia to the AU agency."""
    return referrals.send(
        db,
        actor=world.actor(world.us),
        activity_id=activity.id,
        data=ReferralCreate.model_validate(
            {
                "receiver_organisation_id": world.au_org.id,
                "subject_name": SUSPECT,
                "selectors": [{"type": "email", "value": SUSPECT_EMAIL}],
                "summary": SUMMARY,
            }
        ),
        limits=settings.operations,
    )


@pytest.fixture
def own_database(backend: str, tmp_path: Path) -> Iterator[tuple[str, Engine, Path | None]]:
    if backend == "postgresql":
        url, path = postgres_database("operations_own"), None
    else:
        path = tmp_path / "at-rest.db"
        url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    yield url, engine, path
    engine.dispose()
