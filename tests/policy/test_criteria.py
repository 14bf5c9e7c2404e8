"""The criteria framework ships as data, loads once, and an edited file makes a new version."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.errors import Forbidden, InvalidInput
from nohaven.policy import criteria
from nohaven.policy.models import Framework
from tests.policy.conftest import Person

CORE = {
    "csam_legislation",
    "csam_definition",
    "technology_facilitated",
    "simple_possession",
    "provider_reporting",
}


def test_shipped_framework_has_five_core_and_the_further_criteria(
    db: Session, framework: Framework
) -> None:
    keys = [c.key for c in framework.criteria]
    assert {c.key for c in framework.criteria if c.core} == CORE
    assert len(keys) == 16
    for expected in ("grooming", "sexual_extortion", "synthetic_material", "travel_restrictions"):
        assert expected in keys
    assert all(
        c.question.endswith("?") and c.guidance and c.weight >= 1 for c in framework.criteria
    )


def test_loading_the_same_file_twice_changes_nothing(db: Session, framework: Framework) -> None:
    again, created = criteria.load_framework(
        db, actor=Actor.system("t"), text=criteria.shipped_text()
    )
    assert not created
    assert again.version == framework.version


def test_an_edited_file_is_a_new_version_in_force(db: Session, framework: Framework) -> None:
    raw = json.loads(criteria.shipped_text())
    raw["criteria"][5]["core"] = True  # the secretariat makes grooming a core criterion
    new, created = criteria.load_framework(db, actor=Actor.system("t"), text=json.dumps(raw))
    assert created
    assert new.version == framework.version + 1
    assert criteria.in_force(db).version == new.version
    assert {c.key for c in new.criteria if c.core} == CORE | {"grooming"}


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        json.dumps({"title": "x", "criteria": []}),
        json.dumps(
            {
                "title": "Dup",
                "criteria": [
                    {
                        "key": "a_b",
                        "question": "Q?????",
                        "guidance": "G....",
                        "weight": 1,
                        "core": True,
                    },
                    {
                        "key": "a_b",
                        "question": "Q?????",
                        "guidance": "G....",
                        "weight": 1,
                        "core": True,
                    },
                ],
            }
        ),
        json.dumps(
            {
                "title": "Weight",
                "criteria": [
                    {
                        "key": "a_b",
                        "question": "Q?????",
                        "guidance": "G....",
                        "weight": 0,
                        "core": True,
                    }
                ],
            }
        ),
    ],
)
def test_an_invalid_file_is_refused(db: Session, framework: Framework, text: str) -> None:
    with pytest.raises(InvalidInput):
        criteria.load_framework(db, actor=Actor.system("t"), text=text)
    assert criteria.in_force(db).version == framework.version


def test_only_the_secretariat_loads_criteria(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    delegate = person(roles=("delegate", "org_admin"))
    raw = json.loads(criteria.shipped_text())
    raw["title"] = "Changed"
    with pytest.raises(Forbidden):
        criteria.load_framework(db, actor=delegate.actor, text=json.dumps(raw))
    secretariat = person(roles=("secretariat_admin",))
    _, created = criteria.load_framework(db, actor=secretariat.actor, text=json.dumps(raw))
    assert created
