"""The inbox pages: grouped and summarised in people's words, mark-all-read, a person's
preferences, and the secretariat's page of undelivered e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.notifications import service
from nohaven.notifications.models import Notice, NoticePreference
from tests.factories import Factory, csrf_from, web_login
from tests.notifications.smtp import BOUNCING_DOMAIN
from tests.notifications.test_mail import run_sender

SYSTEM = Actor.system("test")


def test_the_inbox_groups_and_summarises_in_peoples_words(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation("Summarised Ministry", country="GB")
    delegate = factory.user(org, roles=("delegate",))
    for country in range(18):
        service.notify(
            db,
            actor=SYSTEM,
            organisation_id=org.id,
            kind="policy.assessment.approved",
            title=f"Assessment {country} approved",
        )
    service.notify(
        db, actor=SYSTEM, organisation_id=org.id, kind="hashes.feedback", title="Feedback"
    )
    db.flush()
    web_login(client, delegate)
    page = client.get("/inbox")
    assert page.status_code == 200
    assert "18 assessments approved" in page.text
    assert "Match feedback" in page.text
    shown = re.sub(r"<[^>]*>", " ", page.text)  # what a reader sees, not links and fields
    assert "policy.assessment" not in shown
    assert "hashes.feedback" not in shown
    assert "All 18 →" in page.text
    # mark all read
    response = client.post(
        "/inbox/read-all", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert "19 notices marked read." in client.get("/inbox").text
    unread = db.scalars(
        select(Notice).where(Notice.organisation_id == org.id, Notice.read_at.is_(None))
    ).all()
    assert unread == []


def test_a_notice_is_addressed_to_the_people_who_act(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation("Addressed Ministry", country="FR")
    delegate = factory.user(org, roles=("delegate",))
    analyst = factory.user(org, roles=("analyst",))
    notice = service.notify(
        db, actor=SYSTEM, organisation_id=org.id, kind="governance.minutes", title="Minutes"
    )
    db.flush()
    assert service.addressed_to(db, actor=factory.actor(delegate), notice_ids=[notice.id]) == {
        notice.id
    }
    assert not service.addressed_to(db, actor=factory.actor(analyst), notice_ids=[notice.id])
    # the analyst sees it in the organisation's inbox, but not among "only for you"
    web_login(client, analyst)
    assert "Draft minutes circulated" in client.get("/inbox").text
    assert "Draft minutes circulated" not in client.get("/inbox?mine=true").text


def test_the_link_of_an_email_asks_to_sign_in_then_shows_the_notice(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation("Linked Agency", kind="law_enforcement", country="DE")
    analyst = factory.user(org, totp=True)
    other = factory.user(factory.organisation("Elsewhere", country="IT"))
    notice = service.notify(
        db, actor=SYSTEM, organisation_id=org.id, kind="deconfliction.hit", title="2 hits"
    )
    db.flush()
    response = client.get(f"/inbox/{notice.id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    web_login(client, other)
    assert client.get(f"/inbox/{notice.id}").status_code == 404
    client.cookies.clear()
    web_login(client, analyst)
    page = client.get(f"/inbox/{notice.id}")
    assert page.status_code == 200
    assert "Deconfliction hits to review" in page.text


def test_preferences_choose_per_kind_but_the_designated_contact_cannot_turn_off_urgent_ones(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation("Choosing Agency", kind="law_enforcement", country="NL")
    analyst = factory.user(org, totp=True)
    service.designate(db, actor=SYSTEM, organisation_id=org.id, area="travel", user_id=analyst.id)
    db.flush()
    web_login(client, analyst)
    page = client.get("/account/notices")
    assert "Travel notification to acknowledge" in page.text
    assert "designated contact" in page.text
    response = client.post(
        "/account/notices",
        data={
            "csrf_token": csrf_from(page.text),
            "kind:hashes.feedback": "immediate",
            "kind:travel.notification": "inbox",  # locked: ignored
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    chosen = dict(
        db.execute(
            select(NoticePreference.kind, NoticePreference.delivery).where(
                NoticePreference.user_id == analyst.id
            )
        ).all()
    )
    assert chosen == {"hashes.feedback": "immediate"}
    refused = client.post(
        "/account/notices",
        data={"csrf_token": csrf_from(page.text), "kind:hashes.feedback": "by pigeon"},
    )
    assert refused.status_code == 422


def test_the_secretariat_sees_what_bounced_and_sends_it_again(
    client: TestClient, db: Session, factory: Factory, settings: Settings
) -> None:
    org = factory.organisation("Bounce Agency", kind="law_enforcement", country="NO")
    factory.user(org, roles=("org_admin",), email=f"nobody@{BOUNCING_DOMAIN}", totp=True)
    admin = factory.user(org, roles=("org_admin",), totp=True)
    secretariat = factory.user(
        factory.organisation("Mail Secretariat", kind="intergovernmental"),
        roles=("secretariat_admin",),
    )
    service.notify(db, actor=SYSTEM, organisation_id=org.id, kind="travel.escalation", title="x")
    assert run_sender(db, settings)["bounced"] == 1
    web_login(client, admin)
    assert client.get("/secretariat/mail").status_code == 403
    client.cookies.clear()
    web_login(client, secretariat)
    page = client.get("/secretariat/mail")
    assert page.status_code == 200
    assert f"nobody@{BOUNCING_DOMAIN}" in page.text
    assert "bounced" in page.text
    assert "550" in page.text
    message_id = page.text.split("/secretariat/mail/")[1].split("/retry")[0]
    response = client.post(
        f"/secretariat/mail/{message_id}/retry",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert run_sender(db, settings, later=timedelta(seconds=1))["bounced"] == 1


def test_an_admin_designates_the_travel_contact_who_then_alone_gets_travel_notices(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation("Designating Agency", kind="law_enforcement", country="IE")
    admin = factory.user(org, roles=("org_admin",), totp=True)
    contact = factory.user(org, roles=("analyst",))
    other = factory.user(org, roles=("analyst",))
    web_login(client, admin)
    page = client.get("/account/notices")
    assert "designated contacts" in page.text
    response = client.post(
        "/account/notices/contacts",
        data={"csrf_token": csrf_from(page.text), "area": "travel", "user_id": contact.id},
        follow_redirects=False,
    )
    assert response.status_code == 303
    notice = service.notify(
        db, actor=SYSTEM, organisation_id=org.id, kind="travel.notification", title="t"
    )
    for_contact = service.addressed_to(db, actor=factory.actor(contact), notice_ids=[notice.id])
    assert for_contact == {notice.id}
    assert not service.addressed_to(db, actor=factory.actor(other), notice_ids=[notice.id])
    # someone of another organisation cannot be designated
    stranger = factory.user(factory.organisation("Stranger Agency", country="IS"))
    refused = client.post(
        "/account/notices/contacts",
        data={"csrf_token": csrf_from(page.text), "area": "travel", "user_id": stranger.id},
    )
    assert refused.status_code == 404
