"""The assessment rule as a matrix of actors × actions × review states."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.policy import Action, can
from nohaven.policy.models import Assessment, Framework
from tests.policy.conftest import Person

R, W, M = Action.READ, Action.UPDATE, Action.MANAGE

# state -> actor -> the actions allowed among READ, UPDATE, MANAGE
EXPECTED: dict[str, dict[str, set[Action]]] = {
    "draft": {
        "author": {R, W},
        "colleague": {R, W},
        "other delegate": set(),
        "other observer": set(),
        "secretariat": {R},
    },
    "submitted": {
        "author": {R},
        "colleague": {R},
        "other delegate": {R, M},
        "other observer": set(),
        "secretariat": {R, M},
    },
    "approved": {
        "author": {R},
        "colleague": {R},
        "other delegate": {R},
        "other observer": {R},
        "secretariat": {R},
    },
    "rejected": {
        "author": {R, W},
        "colleague": {R, W},
        "other delegate": set(),
        "other observer": set(),
        "secretariat": {R},
    },
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_assessment_rule_matrix(
    db: Session, framework: Framework, person: Callable[..., Person], state: str
) -> None:
    author = person()
    actors = {
        "author": author,
        "colleague": person(author.org, roles=("analyst",)),
        "other delegate": person(country="FR"),
        "other observer": person(country="FR", roles=("observer",)),
        "secretariat": person(roles=("secretariat_admin",)),
    }
    item = Assessment(
        country="KE",
        criterion_key="grooming",
        status="met",
        state=state,
        organisation_id=author.org.id,
        assessor_id=author.user.id,
        assessor_label="x",
    )
    got = {name: {a for a in (R, W, M) if can(p.actor, a, item)} for name, p in actors.items()}
    assert got == EXPECTED[state]
    # Creating: any assessor role, never an observer.
    assert can(author.actor, Action.CREATE, Assessment)
    assert not can(actors["other observer"].actor, Action.CREATE, Assessment)


def test_read_only_api_tokens_cannot_approve(
    db: Session, framework: Framework, person: Callable[..., Person], factory: object
) -> None:
    from tests.factories import Factory

    assert isinstance(factory, Factory)
    author = person()
    reviewer = person(country="FR")
    item = Assessment(
        country="KE",
        criterion_key="grooming",
        status="met",
        state="submitted",
        organisation_id=author.org.id,
        assessor_id=author.user.id,
        assessor_label="x",
    )
    read_only = factory.actor(reviewer.user, scopes=frozenset({"read"}))
    assert can(read_only, Action.READ, item)
    assert not can(read_only, Action.MANAGE, item)
