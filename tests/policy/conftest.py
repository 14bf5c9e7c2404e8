"""Fixtures of the policy tests: the shipped criteria framework and people in organisations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.members.models import Organisation, OrganisationKind, User
from nohaven.policy import criteria, service
from nohaven.policy.models import Assessment, Framework
from nohaven.policy.schemas import AssessmentCreate
from tests.factories import Factory


@pytest.fixture
def framework(db: Session) -> Framework:
    loaded, _ = criteria.load_framework(
        db, actor=Actor.system("test"), text=criteria.shipped_text(), source="test"
    )
    return loaded


@dataclass
class Person:
    user: User
    actor: Actor
    org: Organisation


@pytest.fixture
def person(factory: Factory) -> Callable[..., Person]:
    def make(
        org: Organisation | None = None,
        *,
        roles: tuple[str, ...] = ("delegate",),
        country: str | None = "GB",
        kind: str = OrganisationKind.GOVERNMENT,
    ) -> Person:
        org = org or factory.organisation(kind=kind, country=country)
        user = factory.user(org, roles=roles)
        return Person(user=user, actor=factory.actor(user), org=org)

    return make


@contextmanager
def clock_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> Iterator[None]:
    """Move the policy services' clock (approval times) to ``moment``."""
    with monkeypatch.context() as m:
        m.setattr(service, "utcnow", lambda: moment)
        yield


def approved(
    db: Session,
    assessor: Person,
    reviewer: Person,
    country: str,
    key: str,
    status: str,
    **extra: object,
) -> Assessment:
    a = service.create_assessment(
        db,
        actor=assessor.actor,
        data=AssessmentCreate(country=country, criterion_key=key, status=status, **extra),  # type: ignore[arg-type]
    )
    service.submit_assessment(db, actor=assessor.actor, assessment_id=a.id)
    return service.approve_assessment(db, actor=reviewer.actor, assessment_id=a.id)


def at(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)
