"""The pages: map, country profile, review, gaps, progress, report, import, maturity."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.members.models import User
from nohaven.policy.models import Assessment, Framework
from tests.factories import Factory, csrf_from, web_login
from tests.policy.conftest import Person, approved


def _login(client: TestClient, user: User) -> str:
    web_login(client, user)
    return csrf_from(client.get("/policy/import").text)


def _fill_of(html: str, code: str) -> str:
    match = re.search(rf'data-country="{code}" fill="(#[0-9a-f]{{6}})"', html)
    assert match, f"{code} not on the map"
    return match.group(1)


def test_map_colours_assessed_countries_and_links_profiles(
    client: TestClient, db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    a, b = person(), person(country="FR")
    for c in framework.criteria:
        approved(db, a, b, "NZ", c.key, "met")
    approved(db, a, b, "KE", "provider_reporting", "not_met")
    _login(client, a.user)
    page = client.get("/policy")
    assert page.status_code == 200
    assert "Legislative gaps" in page.text
    assert _fill_of(page.text, "NZ") == "#1f5f8b"  # every criterion met
    assert _fill_of(page.text, "KE") == "#a6361c"  # under a quarter met
    assert _fill_of(page.text, "FR") == "#d4d4d4"  # not assessed
    assert 'href="/policy/countries/KE"' in page.text
    assert "illustrative-banner" not in page.text
    by_one = client.get("/policy?criterion=provider_reporting")
    assert _fill_of(by_one.text, "NZ") == "#1f5f8b"
    assert _fill_of(by_one.text, "KE") == "#a6361c"
    assert client.get("/policy?criterion=nope").status_code == 422
    assert client.get("/policy?as_of=yesterday").status_code == 422
    svg = client.get("/policy/map.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "http" not in svg.text.replace("http://www.w3.org/2000/svg", "")


def test_assess_submit_and_approve_through_the_pages(
    client: TestClient,
    db: Session,
    framework: Framework,
    person: Callable[..., Person],
    factory: Factory,
) -> None:
    author = person()
    token = _login(client, author.user)
    bad = client.post(
        "/policy/countries/GH/assessments",
        data={"csrf_token": token, "criterion_key": "grooming", "status": "sort_of"},
    )
    assert bad.status_code == 422
    response = client.post(
        "/policy/countries/GH/assessments",
        data={
            "csrf_token": token,
            "criterion_key": "grooming",
            "status": "not_met",
            "citations": "Criminal Code s. 1\nCriminal Code s. 2",
            "evidence_url": "https://example.org/gh",
            "submit": "1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    [pending] = db.execute(select(Assessment).where(Assessment.country == "GH")).scalars()
    assert pending.state == "submitted"
    # The author cannot approve it.
    review = client.get("/policy/review")
    assert "Approve" not in review.text
    refused = client.post(f"/policy/assessments/{pending.id}/approve", data={"csrf_token": token})
    assert refused.status_code == 403

    client.cookies.clear()
    reviewer = person(country="FR")
    token = _login(client, reviewer.user)
    assert "Approve" in client.get("/policy/review").text
    # The review list is a table: filtered, sorted by a whitelisted column, a bad query a 400.
    assert "Approve" in client.get("/policy/review?state=submitted&country=gh&sort=country").text
    assert "Approve" not in client.get("/policy/review?state=draft").text
    assert "Approve" not in client.get("/policy/review?country=FR").text
    assert 'aria-sort="ascending"' in client.get("/policy/review?sort=country&desc=0").text
    assert client.get("/policy/review?sort=assessor_label").status_code == 400
    assert client.get("/policy/review?state=approved").status_code == 400
    done = client.post(
        f"/policy/assessments/{pending.id}/approve",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    profile = client.get("/policy/countries/GH")
    assert "Criminal Code s. 2" in profile.text
    assert 'id="history"' in profile.text
    assert "grooming" in profile.text


def test_country_profile_as_of_an_earlier_date(
    client: TestClient, db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    a, b = person(), person(country="FR")
    approved(db, a, b, "KE", "provider_reporting", "not_met")
    _login(client, a.user)
    now = client.get("/policy/countries/KE")
    assert "provider reporting" in now.text.split('id="core-failed"')[1].split("</dd>")[0]
    earlier = client.get("/policy/countries/KE?as_of=2020-01-01")
    assert "none" in earlier.text.split('id="core-failed"')[1].split("</dd>")[0]
    assert client.get("/policy/countries/QQ").status_code == 404


def test_gaps_progress_and_report(
    client: TestClient, db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    a, b = person(), person(country="FR")
    approved(db, a, b, "KE", "provider_reporting", "not_met", illustrative=False)
    _login(client, a.user)
    gaps_page = client.get("/policy/gaps?region=Africa&since=2020-01-01")
    assert gaps_page.status_code == 200
    assert "Kenya" in gaps_page.text.split('id="safe-havens"')[1].split("</table>")[0]
    assert "Kenya" in gaps_page.text.split('id="new-havens"')[1].split("</span>")[0]
    per_criterion = gaps_page.text.split('id="per-criterion"')[1].split("</table>")[0]
    assert "Mandatory reporting by service providers" in per_criterion  # a name, not a key
    assert "provider reporting" not in per_criterion
    assert "Unknown" not in per_criterion  # the unassessed are said once, above
    europe = client.get("/policy/gaps?region=Europe")
    assert "Kenya" not in europe.text.split('id="safe-havens"')[1].split("</table>")[0]
    assert client.get("/policy/gaps?since=2999-01-01").status_code == 422
    assert client.get("/policy/gaps?body=no-such-body").status_code == 404
    progress = client.get("/policy/progress")
    assert "<svg" in progress.text
    assert client.get("/policy/progress?criterion=nope").status_code == 422
    html = client.get("/policy/report")
    assert "Kenya" in html.text
    pdf = client.get("/policy/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_illustrative_records_carry_a_banner(
    client: TestClient, db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    from nohaven.policy import service
    from nohaven.policy.schemas import AssessmentCreate

    a, b = person(), person(country="FR")
    draft = service.create_assessment(
        db,
        actor=a.actor,
        data=AssessmentCreate(country="KE", criterion_key="grooming", status="met"),  # type: ignore[arg-type]
        illustrative=True,
    )
    service.submit_assessment(db, actor=a.actor, assessment_id=draft.id)
    service.approve_assessment(db, actor=b.actor, assessment_id=draft.id)
    _login(client, a.user)
    for path in ("/policy", "/policy/countries/KE", "/policy/gaps", "/policy/report"):
        assert "not legal advice or real findings" in client.get(path).text, path


def test_import_page_reports_rejected_rows_and_writes_nothing(
    client: TestClient, db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    who = person()
    token = _login(client, who.user)
    text = "country,criterion_key,status\nKE,grooming,met\nZZ,grooming,met\n"
    response = client.post(
        "/policy/import",
        data={"csrf_token": token},
        files={"file": ("rows.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 422
    assert 'id="rejected"' in response.text
    assert "ZZ" in response.text
    assert db.execute(select(func.count()).select_from(Assessment)).scalar_one() == 0
    good = client.post(
        "/policy/import",
        data={"csrf_token": token},
        files={
            "file": ("rows.csv", b"country,criterion_key,status\nKE,grooming,met\n", "text/csv")
        },
    )
    assert good.status_code == 200
    assert "1 assessment imported for review." in good.text
    export = client.get("/policy/export.json")
    assert export.json() == {"as_of": None, "assessments": []}  # drafts are not exported


def test_import_page_refuses_a_file_over_5_mb(
    client: TestClient, db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    token = _login(client, person().user)
    row = b"KE,grooming,met\n"
    text = b"country,criterion_key,status\n" + row * (5 * 1024 * 1024 // len(row) + 1)
    response = client.post(
        "/policy/import",
        data={"csrf_token": token},
        files={"file": ("rows.csv", text, "text/csv")},
    )
    assert response.status_code == 422
    assert "larger than 5 MB" in response.text
    assert db.execute(select(func.count()).select_from(Assessment)).scalar_one() == 0


def test_criteria_page_and_loading_a_new_version(
    client: TestClient, db: Session, framework: Framework, person: Callable[..., Person]
) -> None:
    delegate = person()
    token = _login(client, delegate.user)
    page = client.get("/policy/criteria")
    assert "simple possession" in page.text
    assert "Load a new version" not in page.text
    edited = client.get("/policy/criteria.json").text.replace('"weight": 1,', '"weight": 2,', 1)
    refused = client.post(
        "/policy/criteria",
        data={"csrf_token": token},
        files={"file": ("c.json", edited.encode(), "application/json")},
    )
    assert refused.status_code == 403
    client.cookies.clear()
    secretariat = person(roles=("secretariat_admin",))
    token = _login(client, secretariat.user)
    bad = client.post(
        "/policy/criteria",
        data={"csrf_token": token},
        files={"file": ("c.json", b"{}", "application/json")},
    )
    assert bad.status_code == 422
    loaded = client.post(
        "/policy/criteria",
        data={"csrf_token": token},
        files={"file": ("c.json", edited.encode(), "application/json")},
    )
    assert loaded.status_code == 200
    assert 'id="framework-version">2<' in loaded.text


def test_maturity_pages_keep_self_assessments_private_until_shared(
    client: TestClient, factory: Factory, person: Callable[..., Person]
) -> None:
    body = factory.body()
    kenya = person(factory.organisation("Kenya maturity", country="KE"))
    sweden = person(factory.organisation("Sweden maturity", country="SE"))
    factory.seat(body, kenya.org)
    factory.seat(body, sweden.org)
    token = _login(client, kenya.user)
    assert (
        client.post(
            "/policy/maturity", data={"csrf_token": token, "phase_legislation": "9"}
        ).status_code
        == 422
    )
    saved = client.post(
        "/policy/maturity",
        data={"csrf_token": token, "phase_legislation": "3", "evidence_legislation": "Act 2024"},
    )
    assert saved.status_code == 200
    assert "Self-assessment saved" in saved.text
    client.cookies.clear()
    _login(client, sweden.user)
    assert "Kenya maturity" not in client.get(f"/policy/maturity/bodies/{body.slug}").text
    client.cookies.clear()
    token = _login(client, kenya.user)
    shared = client.post(
        "/policy/maturity/share",
        data={"csrf_token": token, "body": body.slug, "shared": "true"},
        follow_redirects=False,
    )
    assert shared.status_code == 303
    client.cookies.clear()
    _login(client, sweden.user)
    page = client.get(f"/policy/maturity/bodies/{body.slug}")
    assert "Kenya maturity" in page.text
    assert "Act 2024" in page.text


def test_report_for_a_body_covers_only_its_members_countries(
    client: TestClient,
    db: Session,
    framework: Framework,
    person: Callable[..., Person],
    factory: Factory,
) -> None:
    a, b = person(), person(country="FR")
    approved(db, a, b, "KE", "provider_reporting", "not_met")
    approved(db, a, b, "GH", "provider_reporting", "not_met")
    body = factory.body("Taskforce for the report")
    factory.seat(body, factory.organisation(country="KE"))
    _login(client, a.user)
    page = client.get(f"/policy/report?body={body.slug}")
    assert "Taskforce for the report" in page.text
    havens = page.text.split('id="report-havens"')[1].split("</table>")[0]
    assert "Kenya" in havens
    assert "Ghana" not in havens
    pdf = client.get(f"/policy/report.pdf?body={body.slug}")
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/policy/report?body=nope").status_code == 404


def test_map_can_show_only_a_bodys_member_countries(
    client: TestClient,
    db: Session,
    framework: Framework,
    person: Callable[..., Person],
    factory: Factory,
) -> None:
    a, b = person(), person(country="FR")
    approved(db, a, b, "KE", "provider_reporting", "not_met")
    approved(db, a, b, "GH", "provider_reporting", "not_met")
    body = factory.body()
    factory.seat(body, factory.organisation(country="KE"))
    _login(client, a.user)
    page = client.get(f"/policy?body={body.slug}").text
    assert _fill_of(page, "KE") == "#a6361c"
    assert _fill_of(page, "GH") == "#f0f0f0"
    assert client.get("/policy?body=nope").status_code == 404
