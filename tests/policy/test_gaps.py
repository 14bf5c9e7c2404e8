"""Gap analysis, the safe-haven view with its filters and changes, history as of a date, and
progress over time — all computed from approved versions only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from nohaven.errors import InvalidInput
from nohaven.policy import gaps, service
from nohaven.policy.models import Framework
from nohaven.policy.schemas import AssessmentCreate
from tests.factories import Factory
from tests.policy.conftest import Person, approved, at, clock_at

CORE = (
    "csam_legislation",
    "csam_definition",
    "technology_facilitated",
    "simple_possession",
    "provider_reporting",
)


@pytest.fixture
def pair(person: Callable[..., Person]) -> tuple[Person, Person]:
    return person(country="GB"), person(country="FR")


def test_per_country_and_per_criterion_gaps(
    db: Session, framework: Framework, pair: tuple[Person, Person]
) -> None:
    a, b = pair
    for key in CORE:
        approved(db, a, b, "NZ", key, "met")
    approved(db, a, b, "NZ", "grooming", "partially_met")
    approved(db, a, b, "TV", "simple_possession", "not_met")
    # A draft and a submitted version count for nothing.
    draft = service.create_assessment(
        db,
        actor=a.actor,
        data=AssessmentCreate(country="NZ", criterion_key="grooming", status="met"),  # type: ignore[arg-type]
    )
    service.submit_assessment(db, actor=a.actor, assessment_id=draft.id)

    result = gaps.analysis(db, actor=a.actor)
    nz = result.results["NZ"]
    assert not nz.safe_haven
    assert "grooming" in nz.gaps
    assert "csam_legislation" not in nz.gaps
    assert nz.counts == {"met": 5, "partially_met": 1, "not_met": 0, "unknown": 10}
    # Weighted share: 5 core × 3 + grooming half of 2, out of a total weight of 32.
    assert nz.score == round((15 + 1) / 32, 4)
    tv = result.results["TV"]
    assert tv.safe_haven
    assert tv.failed_core == ["simple_possession"]
    assert result.results["FR"].score is None  # never assessed: unknown, not failing
    by_status = result.failures("simple_possession")
    assert by_status["met"] == ["NZ"]
    assert by_status["not_met"] == ["TV"]
    assert len(by_status["unknown"]) == 247
    with pytest.raises(InvalidInput):
        result.failures("nope")


def test_safe_havens_filter_by_region_and_body_and_show_change(
    db: Session,
    framework: Framework,
    pair: tuple[Person, Person],
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = pair
    with clock_at(monkeypatch, at(2024, 3, 1)):
        approved(db, a, b, "KE", "provider_reporting", "not_met")
        approved(db, a, b, "BR", "simple_possession", "partially_met")
        approved(db, a, b, "JP", "csam_definition", "not_met")
    with clock_at(monkeypatch, at(2025, 6, 1)):
        approved(db, a, b, "KE", "provider_reporting", "met")  # Kenya closes its gap
        approved(db, a, b, "GH", "csam_definition", "not_met")  # a new safe haven

    now = gaps.safe_havens(db, actor=a.actor, since=date(2024, 12, 31))
    assert [r.country.code for r in now.countries] == ["BR", "GH", "JP"]
    assert [r.country.code for r in now.new] == ["GH"]
    assert [r.country.code for r in now.resolved] == ["KE"]
    changed = {r.country.code: diffs for r, diffs in now.changed}
    assert changed["KE"] == [("provider_reporting", "not_met", "met")]

    africa = gaps.safe_havens(db, actor=a.actor, region="Africa")
    assert [r.country.code for r in africa.countries] == ["GH"]
    western = gaps.safe_havens(db, actor=a.actor, sub_region="South America")
    assert [r.country.code for r in western.countries] == ["BR"]

    body = factory.body()
    factory.seat(body, factory.organisation(country="JP"))
    factory.seat(body, factory.organisation(country="GH"), end=date(2025, 1, 1))
    members = gaps.safe_havens(db, actor=a.actor, body=body.slug)
    assert [r.country.code for r in members.countries] == ["JP"]  # Ghana's seat has ended

    # As of an earlier date the map is as it stood then.
    then = gaps.safe_havens(db, actor=a.actor, as_of=date(2024, 6, 1))
    assert [r.country.code for r in then.countries] == ["BR", "JP", "KE"]
    before_anything = gaps.safe_havens(db, actor=a.actor, as_of=date(2024, 2, 29))
    assert before_anything.countries == []


def test_as_of_history_keeps_every_approved_version(
    db: Session, framework: Framework, pair: tuple[Person, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    with clock_at(monkeypatch, at(2023, 5, 1)):
        first = approved(db, a, b, "PH", "grooming", "not_met")
    with clock_at(monkeypatch, at(2024, 5, 1)):
        second = approved(db, a, b, "PH", "grooming", "partially_met")
    with clock_at(monkeypatch, at(2025, 5, 1)):
        third = approved(db, a, b, "PH", "grooming", "met")
    assert service.snapshot(db, at=at(2023, 1, 1)) == {}
    assert service.snapshot(db, at=at(2023, 12, 1))[("PH", "grooming")].id == first.id
    assert service.snapshot(db, at=at(2024, 12, 1))[("PH", "grooming")].id == second.id
    assert service.snapshot(db)[("PH", "grooming")].id == third.id
    # An as-of date includes the whole day of an approval.
    day = gaps.analysis(db, actor=a.actor, as_of=date(2024, 5, 1))
    assert day.results["PH"].statuses["grooming"] == "partially_met"
    history = service.approved_history(db, actor=a.actor, country="PH")
    assert [h.id for h in history] == [third.id, second.id, first.id]
    with pytest.raises(InvalidInput):
        gaps.analysis(db, actor=a.actor, as_of=date(2999, 1, 1))


def test_progress_counts_countries_meeting_each_criterion_per_year(
    db: Session, framework: Framework, pair: tuple[Person, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    with clock_at(monkeypatch, at(2023, 5, 1)):
        approved(db, a, b, "PH", "grooming", "met")
        approved(db, a, b, "KE", "grooming", "not_met")
    with clock_at(monkeypatch, at(2024, 5, 1)):
        approved(db, a, b, "KE", "grooming", "met")
        approved(db, a, b, "KE", "csam_definition", "met")
    with clock_at(monkeypatch, at(2025, 5, 1)):
        approved(db, a, b, "PH", "grooming", "not_met")  # repealed, say
    result = gaps.progress(db, actor=a.actor, as_of=date(2025, 12, 31))
    assert result.years == [2023, 2024, 2025]
    assert result.met["grooming"] == [1, 2, 1]
    assert result.met["csam_definition"] == [0, 1, 1]
    assert result.met["extradition"] == [0, 0, 0]
