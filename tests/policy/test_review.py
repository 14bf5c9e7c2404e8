"""The review workflow: draft → submitted → approved by a second person of another
organisation or of the secretariat; never self-approval, never a colleague's approval."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.policy import service
from nohaven.policy.models import Framework
from nohaven.policy.schemas import AssessmentCreate, AssessmentUpdate
from tests.policy.conftest import Person


def _draft(db: Session, who: Person, country: str = "KE", key: str = "grooming") -> str:
    a = service.create_assessment(
        db,
        actor=who.actor,
        data=AssessmentCreate(
            country=country,
            criterion_key=key,
            status="met",  # type: ignore[arg-type]
            citations=["Sexual Offences Act 2006, s. 16A"],
            evidence_url="https://example.org/law",
        ),
    )
    return a.id


def test_another_organisation_approves_and_the_finding_is_in_force(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    kenya = person(country="KE")
    eu = person(country=None)
    assessment_id = _draft(db, kenya)
    assert service.snapshot(db) == {}
    service.submit_assessment(db, actor=kenya.actor, assessment_id=assessment_id)
    approved = service.approve_assessment(db, actor=eu.actor, assessment_id=assessment_id)
    assert approved.state == "approved"
    assert approved.reviewer_organisation_id == eu.org.id
    assert service.snapshot(db)[("KE", "grooming")].id == assessment_id


def test_nobody_approves_their_own_assessment(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    secretariat = person(roles=("secretariat_admin",))
    assessment_id = _draft(db, secretariat)
    service.submit_assessment(db, actor=secretariat.actor, assessment_id=assessment_id)
    with pytest.raises(Forbidden):
        service.approve_assessment(db, actor=secretariat.actor, assessment_id=assessment_id)


def test_a_colleague_of_the_same_organisation_cannot_approve(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    author = person()
    colleague = person(author.org, roles=("delegate", "org_admin"))
    assessment_id = _draft(db, author)
    service.submit_assessment(db, actor=author.actor, assessment_id=assessment_id)
    with pytest.raises(Forbidden):
        service.approve_assessment(db, actor=colleague.actor, assessment_id=assessment_id)
    assert service.snapshot(db) == {}


def test_a_second_person_of_the_secretariat_may_approve(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    author = person(roles=("secretariat_admin",))
    second = person(author.org, roles=("secretariat_admin",))
    assessment_id = _draft(db, author)
    service.submit_assessment(db, actor=author.actor, assessment_id=assessment_id)
    assert service.approve_assessment(db, actor=second.actor, assessment_id=assessment_id)


def test_drafts_are_not_reviewed_and_observers_do_not_assess(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    author = person()
    reviewer = person(country="FR")
    assessment_id = _draft(db, author)
    # Another organisation does not even see a draft: it is not there for them.
    with pytest.raises(NotFound):
        service.approve_assessment(db, actor=reviewer.actor, assessment_id=assessment_id)
    observer = person(roles=("observer",))
    with pytest.raises(Forbidden):
        _draft(db, observer)
    # An observer of another organisation cannot review either.
    service.submit_assessment(db, actor=author.actor, assessment_id=assessment_id)
    with pytest.raises(NotFound):
        service.approve_assessment(db, actor=observer.actor, assessment_id=assessment_id)
    service.approve_assessment(db, actor=reviewer.actor, assessment_id=assessment_id)
    with pytest.raises(Conflict):  # decided once, for good
        service.approve_assessment(db, actor=reviewer.actor, assessment_id=assessment_id)


def test_rejection_needs_a_reason_and_goes_back_to_the_author(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    author = person()
    reviewer = person(country="FR")
    assessment_id = _draft(db, author)
    service.submit_assessment(db, actor=author.actor, assessment_id=assessment_id)
    with pytest.raises(InvalidInput):
        service.reject_assessment(db, actor=reviewer.actor, assessment_id=assessment_id, note=" ")
    rejected = service.reject_assessment(
        db, actor=reviewer.actor, assessment_id=assessment_id, note="Cite the section."
    )
    assert rejected.state == "rejected"
    fixed = service.update_assessment(
        db,
        actor=author.actor,
        assessment_id=assessment_id,
        data=AssessmentUpdate(citations=["Act 2006, s. 16A(1)"]),
    )
    assert fixed.state == "draft"
    with pytest.raises(NotFound):
        service.update_assessment(
            db, actor=reviewer.actor, assessment_id=assessment_id, data=AssessmentUpdate()
        )


def test_drafts_are_private_to_their_organisation(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    author = person()
    other = person(country="FR")
    assessment_id = _draft(db, author)
    with pytest.raises(NotFound):
        service.get_assessment(db, actor=other.actor, assessment_id=assessment_id)
    assert [a.id for a in service.pending(db, actor=other.actor)] == []
    assert [a.id for a in service.pending(db, actor=author.actor)] == [assessment_id]
    service.submit_assessment(db, actor=author.actor, assessment_id=assessment_id)
    assert [a.id for a in service.pending(db, actor=other.actor)] == [assessment_id]
    with pytest.raises(NotFound):
        service.get_assessment(db, actor=other.actor, assessment_id="nope")


@pytest.mark.parametrize(
    ("country", "key", "field"),
    [("XX", "grooming", "country"), ("KE", "no_such_criterion", "criterion_key")],
)
def test_unknown_country_or_criterion_is_refused(
    db: Session,
    framework: Framework,
    person: Callable[..., Person],
    country: str,
    key: str,
    field: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        _draft(db, person(), country=country, key=key)
    assert caught.value.errors[0]["field"] == field


def test_an_invalid_edit_is_refused_and_changes_nothing(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    author = person()
    assessment_id = _draft(db, author)
    with pytest.raises(InvalidInput):
        service.update_assessment(
            db,
            actor=author.actor,
            assessment_id=assessment_id,
            data=AssessmentUpdate(evidence_url="javascript:alert(1)"),
        )
    found = service.get_assessment(db, actor=author.actor, assessment_id=assessment_id)
    assert found.evidence_url == "https://example.org/law"
