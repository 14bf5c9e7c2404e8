"""National-response maturity self-assessments are private to their organisation unless shared
with a body, and shared results are listed alphabetically, never ranked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.errors import Forbidden, InvalidInput, NotFound
from nohaven.policy import maturity
from nohaven.policy.models import MaturityAssessment
from nohaven.policy.schemas import MaturityRatingIn
from tests.factories import Factory
from tests.policy.conftest import Person


def test_the_model_has_21_capabilities_in_6_domains_and_4_phases() -> None:
    caps = maturity.capabilities()
    assert [c.number for c in caps] == list(range(1, 22))
    assert len({c.domain for c in caps}) == 6
    assert [p.phase for p in maturity.phases()] == [1, 2, 3, 4]


def _rate(who: Person, db: Session, phase: int = 2) -> MaturityAssessment:
    return maturity.save(
        db,
        actor=who.actor,
        ratings=[
            MaturityRatingIn(capability_key="legislation", phase=phase, evidence="Bill in 2025"),
            MaturityRatingIn(capability_key="hotline", phase=3),
        ],
    )


def test_self_assessment_is_private_until_shared_with_a_body(
    db: Session, factory: Factory, person: Callable[..., Person]
) -> None:
    body = factory.body()
    kenya_org = factory.organisation("Kenya gov", country="KE")
    sweden_org = factory.organisation("Sweden gov", country="SE")
    outsider_org = factory.organisation("Outsider gov", country="BR")
    for org in (kenya_org, sweden_org):
        factory.seat(body, org)
    kenya = person(kenya_org)
    sweden = person(sweden_org)
    outsider = person(outsider_org)
    secretariat = person(roles=("secretariat_admin",))
    colleague = person(kenya_org, roles=("observer",))

    saved = _rate(kenya, db)
    assert {r.capability_key: r.phase for r in saved.ratings} == {"legislation": 2, "hotline": 3}
    assert maturity.get(db, actor=colleague.actor, organisation_id=kenya_org.id)
    for stranger in (sweden, outsider, secretariat):
        with pytest.raises(NotFound):
            maturity.get(db, actor=stranger.actor, organisation_id=kenya_org.id)
        assert maturity.shared_with_body(db, actor=stranger.actor, body=body.slug) == []

    maturity.share(db, actor=kenya.actor, body=body.slug)
    assert maturity.get(db, actor=sweden.actor, organisation_id=kenya_org.id)
    with pytest.raises(NotFound):
        maturity.get(db, actor=outsider.actor, organisation_id=kenya_org.id)
    assert [
        r.organisation.name
        for r in maturity.shared_with_body(db, actor=sweden.actor, body=body.slug)
    ] == ["Kenya gov"]

    maturity.share(db, actor=kenya.actor, body=body.slug, shared=False)
    with pytest.raises(NotFound):
        maturity.get(db, actor=sweden.actor, organisation_id=kenya_org.id)


def test_only_delegates_and_org_admins_of_the_organisation_change_or_share_it(
    db: Session, factory: Factory, person: Callable[..., Person]
) -> None:
    org = factory.organisation(country="KE")
    body = factory.body()
    factory.seat(body, org)
    delegate = person(org)
    _rate(delegate, db)
    with pytest.raises(Forbidden):
        _rate(person(org, roles=("analyst",)), db)
    with pytest.raises(Forbidden):
        maturity.share(db, actor=person(org, roles=("observer",)).actor, body=body.slug)
    # An organisation cannot share with a body it has no seat in.
    with pytest.raises(Forbidden):
        maturity.share(db, actor=delegate.actor, body=factory.body().slug)
    with pytest.raises(InvalidInput):
        maturity.save(
            db,
            actor=delegate.actor,
            ratings=[MaturityRatingIn(capability_key="made_up", phase=1)],
        )


def test_shared_results_are_alphabetical_whatever_the_phases(
    db: Session, factory: Factory, person: Callable[..., Person]
) -> None:
    body = factory.body()
    reader_org = factory.organisation("Reader", country="FI")
    factory.seat(body, reader_org)
    for name, phase in (("Zeta gov", 4), ("Alpha gov", 1), ("Mid gov", 3)):
        org = factory.organisation(name, country="KE")
        factory.seat(body, org)
        who = person(org)
        _rate(who, db, phase=phase)
        maturity.share(db, actor=who.actor, body=body.slug)
    reader = person(reader_org)
    names = [
        r.organisation.name
        for r in maturity.shared_with_body(db, actor=reader.actor, body=body.slug)
    ]
    assert names == ["Alpha gov", "Mid gov", "Zeta gov"]


@pytest.mark.parametrize("action", list(Action))
def test_rule_matrix_for_an_unshared_self_assessment(
    db: Session, factory: Factory, person: Callable[..., Person], action: Action
) -> None:
    org = factory.organisation(country="KE")
    owner = person(org, roles=("delegate",))
    readers = {
        "owner delegate": owner,
        "owner observer": person(org, roles=("observer",)),
        "other org admin": person(roles=("org_admin", "delegate")),
        "secretariat": person(roles=("secretariat_admin",)),
    }
    item = _rate(owner, db)
    allowed = {name: can(p.actor, action, item) for name, p in readers.items()}
    reads = action in {Action.LIST, Action.READ, Action.EXPORT}
    writes = action in {Action.CREATE, Action.UPDATE, Action.MANAGE}
    assert allowed == {
        "owner delegate": reads or writes,
        "owner observer": reads,
        "other org admin": False,
        "secretariat": False,
    }
    assert can(Actor.system(), action, item)  # jobs and the demo loader
