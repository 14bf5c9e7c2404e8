"""The deconfliction pages: cases, the hits inbox with outcomes, the secretariat's figures."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.deconfliction.local import LocalTransport
from nohaven.members.models import OrganisationKind
from tests.deconfliction.conftest import Agency, AgencyMaker, email
from tests.factories import Factory, csrf_from, web_login


def test_hits_inbox_records_an_outcome(
    db: Session, factory: Factory, client: TestClient, agency: AgencyMaker
) -> None:
    mine, theirs, outsider = (
        agency("Page agency", "GB"),
        agency("Other agency", "FR"),
        agency("Third"),
    )
    analyst = factory.user(mine.org, roles=("analyst",), totp=True)
    mine.register([email("page@example.org"), email("mine-only@example.org")], case="PG-1")
    theirs.register([email("page@example.org")], case="THEIRS-SECRET-REF")
    web_login(client, analyst)

    cases = client.get("/deconfliction")
    assert cases.status_code == 200
    assert "PG-1" in cases.text
    inbox = client.get("/deconfliction/hits")
    assert "Other agency" in inbox.text
    assert "THEIRS-SECRET-REF" not in inbox.text
    hit_id = mine.transport.hits()[0]["hit_id"]
    page = client.get(f"/deconfliction/hits/{hit_id}")
    assert "France" in page.text
    assert "THEIRS-SECRET-REF" not in page.text
    token = csrf_from(page.text)
    bad = client.post(
        f"/deconfliction/hits/{hit_id}/outcome", data={"outcome": "solved", "csrf_token": token}
    )
    assert bad.status_code == 422
    assert "relevant, deconflicted or false_positive" in bad.text
    done = client.post(
        f"/deconfliction/hits/{hit_id}/outcome",
        data={"outcome": "deconflicted", "csrf_token": token},
    )
    assert done.status_code == 200
    assert "Outcome recorded." in done.text
    assert mine.transport.hits()[0]["own"]["outcome"] == "deconflicted"

    # Another agency's hit does not exist for an outsider.
    outsider_user = factory.user(outsider.org, roles=("analyst",), totp=True)
    db.flush()  # the factory clears the used TOTP step on the object only
    client.cookies.clear()
    web_login(client, outsider_user)
    assert client.get(f"/deconfliction/hits/{hit_id}").status_code == 404


def test_closing_a_case_from_the_page(
    db: Session, factory: Factory, client: TestClient, agency: AgencyMaker
) -> None:
    mine = agency("Closing page agency")
    analyst = factory.user(mine.org, roles=("analyst",), totp=True)
    mine.register([email("close-page@example.org")], case="CLOSE-ME")
    db.flush()
    web_login(client, analyst)
    page = client.get("/deconfliction")
    case_id = page.text.split("/deconfliction/cases/")[1].split("/")[0]
    asked = client.post(
        f"/deconfliction/cases/{case_id}/close", data={"csrf_token": csrf_from(page.text)}
    )
    assert asked.status_code == 200
    assert "this cannot be undone" in asked.text  # asked first; nothing deleted yet
    assert "registrations deleted" not in asked.text
    yes = {"csrf_token": csrf_from(page.text), "confirmed": "yes"}
    closed = client.post(f"/deconfliction/cases/{case_id}/close", data=yes)
    assert closed.status_code == 200
    assert "1 registration deleted" in closed.text
    again = client.post(f"/deconfliction/cases/{case_id}/close", data=yes)
    assert again.status_code == 409


def test_pages_refuse_other_kinds_and_show_the_secretariat_counts(
    db: Session, factory: Factory, client: TestClient, agency: AgencyMaker
) -> None:
    ngo = factory.organisation("NGO page", kind=OrganisationKind.NGO)
    web_login(client, factory.user(ngo, roles=("analyst",)))
    assert client.get("/deconfliction").status_code == 403
    assert client.get("/deconfliction/hits").status_code == 403
    assert client.get("/deconfliction/secretariat").status_code == 403

    a, b = agency("Stats A"), agency("Stats B")
    body = factory.body("Stats alliance")
    factory.seat(body, a.org)
    factory.seat(body, b.org)
    a.register([email("stats@example.org")])
    b.register([email("stats@example.org"), email("b-only@example.org")])
    secretariat = factory.organisation("Sec page", kind=OrganisationKind.INTERGOVERNMENTAL)
    admin = factory.user(secretariat, roles=("secretariat_admin",))
    client.cookies.clear()
    web_login(client, admin)
    landing = client.get("/deconfliction", follow_redirects=False)
    assert landing.status_code == 303
    page = client.get("/deconfliction/secretariat")
    assert page.status_code == 200
    row = page.text.split("Stats alliance</td>")[1].split("</tr>")[0]
    assert "<td>2</td><td>3</td><td>2</td>" in row  # members, registrations, hits (one per side)
    assert "Stats A" in page.text  # quota use per organisation
    assert "stats@example.org" not in page.text


def test_nav_link(db: Session, client: TestClient, factory: Factory, agency: AgencyMaker) -> None:
    mine: Agency = agency("Nav agency")
    user = factory.user(mine.org, roles=("analyst",), totp=True)
    db.flush()
    web_login(client, user)
    assert 'href="/deconfliction"' in client.get("/deconfliction").text
    assert isinstance(mine.transport, LocalTransport)
    assert Actor.system("x").is_system
