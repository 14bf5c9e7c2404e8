"""The operations pages: the lead proposes, invites and runs the operation; a participant
joins, refers, reports; the receiver opens, acknowledges and concludes the referral; an agency
of the same body sees the code name alone, another body nothing; refused forms show the page
again with the reason and a 4xx."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from nohaven.members.models import Organisation, User
from nohaven.operations import repository as repo
from nohaven.operations.models import Activity
from tests.factories import Factory, csrf_from, web_login
from tests.operations.conftest import SUSPECT, World


def _login(client: TestClient, factory: Factory, user: User) -> None:
    client.cookies.clear()
    factory.session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    web_login(client, user)


def _post(client: TestClient, url: str, page_url: str, data: dict[str, str]) -> Any:
    token = csrf_from(client.get(page_url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def _user(factory: Factory, org: Organisation) -> User:
    return factory.user(org, totp=True)


def test_an_operation_through_its_pages(world: World, db: Session, client: TestClient) -> None:
    f = world.factory
    lead, au, us = _user(f, world.lead_org), _user(f, world.au_org), _user(f, world.us_org)
    bystander, elsewhere = _user(f, world.bystander_org), _user(f, world.elsewhere_org)

    _login(client, f, lead)
    refused = _post(
        client,
        "/operations",
        "/operations",
        {"body_id": world.body.id, "code_name": "", "title": "T"},
    )
    assert refused.status_code == 422
    assert 'id="form-error"' in refused.text
    made = _post(
        client,
        "/operations",
        "/operations",
        {"body_id": world.body.id, "code_name": "Tidewater", "title": "Joint action"},
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    oid = url.rsplit("/", 1)[-1]
    page = client.get(url)
    assert "Proposed." in page.text
    for org in (world.au_org, world.us_org):
        assert _post(client, f"{url}/invite", url, {"organisation_id": org.id}).status_code == 303

    for user in (au, us):
        _login(client, f, user)
        assert "Your agency is invited" in client.get(url).text
        assert _post(client, f"{url}/answer", url, {"accept": "yes"}).status_code == 303

    _login(client, f, lead)
    day = _post(
        client,
        f"{url}/action-days",
        url,
        {"label": "Day one", "starts_at": "2027-03-01T22:00", "hours": "24"},
    )
    assert day.status_code == 303, day.text
    assert _post(client, f"{url}/phase", url, {"phase": "active"}).status_code == 303

    _login(client, f, au)
    tz = _post(client, f"{url}/participant", url, {"time_zone": "Australia/Perth", "contact": ""})
    assert tz.status_code == 303
    # The local start as Babel writes it in the reader's language (English here).
    assert "Mar 2, 2027 06:00 Australia/Perth" in client.get(url).text

    _login(client, f, us)
    bad = _post(
        client,
        f"{url}/referrals",
        url,
        {"receiver_organisation_id": world.au_org.id, "selectors": "nonsense", "summary": "x"},
    )
    assert bad.status_code == 422
    assert "type: value" in bad.text
    sent = _post(
        client,
        f"{url}/referrals",
        url,
        {
            "receiver_organisation_id": world.au_org.id,
            "subject_name": SUSPECT,
            "selectors": "email: quentin@example.org",
            "summary": "Synthetic",
        },
    )
    assert sent.status_code == 303, sent.text
    checked = _post(client, f"{url}/referrals/check", url, {"selectors": "email: q@example.org"})
    assert checked.status_code == 303
    assert "Checked 1 selector: no other participant holds it." in client.get(url).text
    referral = repo.referrals_of(db, oid, world.us_org.id)[0]
    rurl = f"{url}/referrals/{referral.id}"

    _login(client, f, au)
    assert SUSPECT in client.get(rurl).text
    assert _post(client, f"{rurl}/acknowledge", rurl, {}).status_code == 303
    done = _post(client, f"{rurl}/outcome", rurl, {"outcome": "arrested", "note": "At home"})
    assert done.status_code == 303
    assert "arrested" in client.get(rurl).text
    period = repo.action_days(db, oid)[0].id
    reported = _post(client, f"{url}/results", url, {"period": period, "arrests": "2"})
    assert reported.status_code == 303
    assert 'id="total-arrests">2<' in client.get(url).text

    # The lead takes part but reads nothing of a referral between two others.
    _login(client, f, lead)
    assert client.get(rurl).status_code == 404
    assert _post(client, f"{url}/phase", url, {"phase": "follow_up"}).status_code == 303
    assert _post(client, f"{url}/statement", url, {}).status_code == 303
    assert "Results of a joint operation" in client.get(url).text

    # The rest of the body: the code name, only once the lead allows it; another body: nothing.
    _login(client, f, bystander)
    assert "Tidewater" not in client.get("/operations").text
    assert client.get(url).status_code == 404
    activity = db.get(Activity, oid)
    assert activity is not None
    activity.code_name_visible = True
    db.flush()
    listing = client.get("/operations").text
    assert "Tidewater" in listing
    assert "Joint action" not in listing
    assert client.get(url).status_code == 404
    _login(client, f, elsewhere)
    assert "Tidewater" not in client.get("/operations").text
    assert client.get(url).status_code == 404
    assert client.get(rurl).status_code == 404


def test_published_programme_is_public(world: World, db: Session, client: TestClient) -> None:
    from tests.operations.conftest import propose

    activity = propose(world, db)
    activity.published = True
    db.flush()
    page = client.get(f"/public/bodies/{world.body.slug}/programme")
    assert page.status_code == 200
    assert "Operation Tidewater" in page.text
    assert "Coordinated action" not in page.text  # the title is for participants only
    assert client.get("/public/bodies/no-such-body/programme").status_code == 404


def test_the_proposal_form_only_where_the_agency_may_propose(
    world: World, client: TestClient
) -> None:
    f = world.factory
    observer = f.user(
        f.organisation("Test Observer NGO", kind="ngo"), roles=("observer",), totp=True
    )
    f.seat(world.body, observer.organisation)
    _login(client, f, observer)
    assert "Propose an activity" not in client.get("/operations").text
    _login(client, f, _user(f, world.lead_org))
    assert "Propose an activity" in client.get("/operations").text
