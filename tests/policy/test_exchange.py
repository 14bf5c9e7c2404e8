"""Import is all or nothing with every rejected row reported; export round-trips."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.errors import Forbidden, InvalidInput
from nohaven.policy import exchange, service
from nohaven.policy.models import Assessment, Framework
from tests.policy.conftest import Person, approved

GOOD_CSV = (
    "country,criterion_key,status,citations,evidence_url,note\n"
    "KE,grooming,met,Act 2006 s.16A; Act 2010 s.4,https://example.org/a,fine\n"
    "GH,csam_definition,not_met,,,\n"
)


def _count(db: Session) -> int:
    return db.execute(select(func.count()).select_from(Assessment)).scalar_one()


def test_a_valid_csv_creates_drafts(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    who = person()
    report = exchange.import_assessments(db, actor=who.actor, text=GOOD_CSV, fmt="csv")
    assert report.created == 2
    assert report.rejected == []
    drafts = service.pending(db, actor=who.actor)
    assert {(a.country, a.state) for a in drafts} == {("KE", "draft"), ("GH", "draft")}
    ke = next(a for a in drafts if a.country == "KE")
    assert ke.citations == ["Act 2006 s.16A", "Act 2010 s.4"]


def test_any_invalid_row_rejects_the_whole_file_and_says_why(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    who = person()
    bad = GOOD_CSV + (
        "ZZ,grooming,met,,,\n"
        "KE,grooming,met,,,\n"
        "FR,not_a_criterion,met,,,\n"
        "DE,grooming,sort_of,,,\n"
        "IT,grooming,met,,ftp://example.org,\n"
    )
    before = _count(db)
    with pytest.raises(exchange.ImportRejected) as caught:
        exchange.import_assessments(db, actor=who.actor, text=bad, fmt="csv")
    rejected = {(r.row, r.field) for r in caught.value.report.rejected}
    assert rejected == {
        (3, "country"),
        (4, "criterion_key"),  # duplicates row 1
        (5, "criterion_key"),
        (6, "status"),
        (7, "evidence_url"),
    }
    assert _count(db) == before


@pytest.mark.parametrize(
    "text", ["nope", "{}", '{"assessments": [1]}', "[]", '[{"country": "KE"}]']
)
def test_malformed_json_is_refused(
    db: Session, framework: Framework, person: Callable[..., Person], text: str
) -> None:
    with pytest.raises(InvalidInput):
        exchange.import_assessments(db, actor=person().actor, text=text, fmt="json")
    assert _count(db) == 0


def test_a_csv_without_the_required_columns_is_refused(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    with pytest.raises(InvalidInput):
        exchange.import_assessments(db, actor=person().actor, text="a,b\n1,2\n", fmt="csv")


def test_observers_cannot_import(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    with pytest.raises(Forbidden):
        exchange.import_assessments(
            db, actor=person(roles=("observer",)).actor, text=GOOD_CSV, fmt="csv"
        )


def test_export_round_trips_through_import(
    db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    a, b = person(), person(country="FR")
    approved(db, a, b, "KE", "grooming", "met", citations=["s. 1", "s. 2"])
    rows = exchange.export_rows(db, actor=a.actor)
    assert [(r["country"], r["status"], r["citations"]) for r in rows] == [
        ("KE", "met", ["s. 1", "s. 2"])
    ]
    as_json = json.loads(exchange.export_json(rows, None))
    assert as_json["assessments"][0]["reviewer"] == b.actor.label
    text = exchange.export_csv(rows)
    report = exchange.import_assessments(db, actor=b.actor, text=text, fmt="csv", submit=True)
    assert report.created == 1
    [imported] = service.pending(db, actor=b.actor)
    assert imported.state == "submitted"
    assert imported.citations == ["s. 1", "s. 2"]
    report = exchange.import_assessments(
        db, actor=b.actor, text=exchange.export_json(rows, None), fmt="json"
    )
    assert report.created == 1
