"""Mission statement, signatures, progress reporting, dashboards and the showcase."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance.progress import service, showcase
from nohaven.governance.progress.models import MissionStatement
from nohaven.kit.clock import utcnow
from tests.factories import csrf_from, web_login
from tests.governance.conftest import Seats, api_headers

COMMITMENTS = ["Criminalise all forms of online abuse", "Fund a national hotline", "Report yearly"]


def _mission(db: Session, seats: Seats) -> MissionStatement:
    return service.create_mission(
        db,
        actor=seats.actor("secretariat"),
        body_id=seats.body.id,
        title="Mission statement",
        preamble="Together we commit to:",
        commitments=COMMITMENTS,
    )


def test_sign_and_report(db: Session, seats: Seats) -> None:
    mission = _mission(db, seats)
    assert [c.number for c in service.commitments(db, mission=mission)] == [1, 2, 3]
    with pytest.raises(Conflict):
        _mission(db, seats)
    period = service.period_of(utcnow().date())
    # Only signatories report.
    with pytest.raises(Forbidden):
        service.report_progress(
            db,
            actor=seats.actor("a"),
            body_id=seats.body.id,
            commitment_number=1,
            period=period,
            status="achieved",
        )
    signed = service.sign(db, actor=seats.actor("a"), mission_id=mission.id)
    assert signed.signed_on == utcnow().date()
    with pytest.raises(Conflict):
        service.sign(db, actor=seats.actor("a"), mission_id=mission.id)
    for who in ("observer", "a_analyst"):
        with pytest.raises(Forbidden):
            service.sign(db, actor=seats.actor(who), mission_id=mission.id)
    with pytest.raises(NotFound):  # not the outsider's to see: as if it did not exist
        service.sign(db, actor=seats.actor("outsider"), mission_id=mission.id)
    service.sign(db, actor=seats.actor("b"), mission_id=mission.id)
    service.report_progress(
        db,
        actor=seats.actor("a"),
        body_id=seats.body.id,
        commitment_number=1,
        period="2025-H2",
        status="in_progress",
    )
    service.report_progress(
        db,
        actor=seats.actor("a"),
        body_id=seats.body.id,
        commitment_number=1,
        period=period,
        status="achieved",
        narrative="Law passed.",
        evidence=["https://gov.example.org/law"],
    )
    service.report_progress(
        db,
        actor=seats.actor("b"),
        body_id=seats.body.id,
        commitment_number=1,
        period=period,
        status="off_track",
    )
    # Updating the same period replaces the report.
    service.report_progress(
        db,
        actor=seats.actor("b"),
        body_id=seats.body.id,
        commitment_number=1,
        period=period,
        status="in_progress",
    )
    board = service.dashboard(db, actor=seats.actor("observer"), body_id=seats.body.id)
    assert dict(board.counts(1)) == {"achieved": 1, "in_progress": 1}
    assert board.reported(2) == 0
    assert board.latest[(seats.a.id, 1)].narrative == "Law passed."
    mine = service.dashboard(
        db, actor=seats.actor("b"), body_id=seats.body.id, organisation_id=seats.a.id
    )
    assert [s.organisation_id for s in mine.signatories] == [seats.a.id]
    assert [
        r.period
        for _, r in service.history(
            db, actor=seats.actor("b"), body_id=seats.body.id, organisation_id=seats.a.id
        )
    ] == ["2025-H2", period]
    with pytest.raises(NotFound):
        service.dashboard(db, actor=seats.actor("outsider"), body_id=seats.body.id)


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("commitment_number", {"commitment_number": 9}),
        ("period", {"period": "2026-Q1"}),
        ("period", {"period": "2999-H1"}),
        ("status", {"status": "done"}),
        ("evidence", {"evidence": ["javascript:alert(1)"]}),
    ],
)
def test_report_rejects_bad_input(
    db: Session, seats: Seats, field: str, kw: dict[str, object]
) -> None:
    mission = _mission(db, seats)
    service.sign(db, actor=seats.actor("a"), mission_id=mission.id)
    args: dict[str, object] = {
        "commitment_number": 1,
        "period": service.period_of(utcnow().date()),
        "status": "achieved",
        **kw,
    }
    with pytest.raises(InvalidInput) as caught:
        service.report_progress(db, actor=seats.actor("a"), body_id=seats.body.id, **args)  # type: ignore[arg-type]
    assert caught.value.errors[0]["field"] == field


def test_showcase_search(db: Session, seats: Seats) -> None:
    _mission(db, seats)
    hotline = showcase.create_case_study(
        db,
        actor=seats.actor("a"),
        body_id=seats.body.id,
        title="A hotline in six months",
        text="How we set up a national hotline with the industry.",
        commitment_numbers=[2],
        capabilities=[12, 16],
        publish=True,
    )
    draft = showcase.create_case_study(
        db,
        actor=seats.actor("b"),
        body_id=seats.body.id,
        title="Training judges",
        text="Judiciary training.",
        commitment_numbers=[1],
        capabilities=[5],
    )
    observer = seats.actor("observer")
    assert [s.id for s in showcase.search_case_studies(db, actor=observer, query="HOTLINE")] == [
        hotline.id
    ]
    assert showcase.search_case_studies(db, actor=observer, capability=5) == []  # a draft
    assert [
        s.id for s in showcase.search_case_studies(db, actor=seats.actor("b"), capability=5)
    ] == [draft.id]
    assert [s.id for s in showcase.search_case_studies(db, actor=observer, commitment=2)] == [
        hotline.id
    ]
    assert showcase.search_case_studies(db, actor=observer, query="hotline judges") == []
    with pytest.raises(InvalidInput):
        showcase.create_case_study(
            db,
            actor=seats.actor("a"),
            body_id=seats.body.id,
            title="X",
            text="Y",
            commitment_numbers=[7],
            capabilities=[22],
        )
    with pytest.raises(Forbidden):
        showcase.create_case_study(
            db,
            actor=seats.actor("observer"),
            body_id=seats.body.id,
            title="X",
            text="Y",
            commitment_numbers=[],
            capabilities=[],
        )


def test_progress_pages_and_api(client: TestClient, db: Session, seats: Seats) -> None:
    _mission(db, seats)
    headers = api_headers(seats.factory, seats.users["b"])
    web_login(client, seats.users["a"])
    page = client.get(f"/progress/{seats.body.slug}")
    assert "Sign the mission statement" in page.text
    signed = client.post(
        f"/progress/{seats.body.slug}/sign", data={"csrf_token": csrf_from(page.text)}
    )
    assert "Your organisation has signed." in signed.text
    reported = client.post(
        f"/progress/{seats.body.slug}/reports",
        data={
            "csrf_token": csrf_from(page.text),
            "commitment_number": "2",
            "period": service.period_of(utcnow().date()),
            "status": "achieved",
            "narrative": "Hotline open.",
            "evidence": "https://hotline.example.org\n",
        },
    )
    assert "Progress reported." in reported.text
    assert 'data-status="achieved">1<' in reported.text
    bad = client.post(
        f"/progress/{seats.body.slug}/reports",
        data={
            "csrf_token": csrf_from(page.text),
            "commitment_number": "2",
            "period": "soon",
            "status": "achieved",
        },
    )
    assert bad.status_code == 422
    member = client.get(f"/progress/{seats.body.slug}/members/{seats.a.id}")
    assert "Hotline open." in member.text
    assert client.get("/showcase?q=x&capability=12").status_code == 200
    # API: B signs and reports; the dashboard counts both.
    assert (
        client.post(
            f"/api/v1/governance/bodies/{seats.body.slug}/mission/signatures", headers=headers
        ).status_code
        == 200
    )
    created = client.post(
        f"/api/v1/governance/bodies/{seats.body.slug}/progress",
        json={
            "commitment_number": 2,
            "period": service.period_of(utcnow().date()),
            "status": "off_track",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    board = client.get(
        f"/api/v1/governance/bodies/{seats.body.slug}/progress", headers=headers
    ).json()
    assert board["counts"]["2"] == {"achieved": 1, "off_track": 1}


def test_publish_own_case_study_only(db: Session, seats: Seats) -> None:
    _mission(db, seats)
    draft = showcase.create_case_study(
        db,
        actor=seats.actor("a"),
        body_id=seats.body.id,
        title="Draft practice",
        text="Text",
        commitment_numbers=[],
        capabilities=[1],
    )
    with pytest.raises(Forbidden):
        showcase.publish_case_study(db, actor=seats.actor("b"), case_study_id=draft.id)
    showcase.publish_case_study(db, actor=seats.actor("a"), case_study_id=draft.id)
    found = showcase.search_case_studies(db, actor=seats.actor("b"), capability=1)
    assert [s.id for s in found] == [draft.id]
    with pytest.raises(Conflict):
        showcase.publish_case_study(db, actor=seats.actor("a"), case_study_id=draft.id)
