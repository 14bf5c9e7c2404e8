"""What an e-mail may say: the kind of notice and a link behind sign-in, never what the notice
says. Every kind is sent with sensitive text in its title and body, and the messages the SMTP
server received are searched for it (the session's sweep searches every message again)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.members import invitations
from nohaven.members.schemas import InvitationCreate
from nohaven.notifications import preferences, service
from nohaven.notifications.kinds import KINDS
from tests.factories import Factory, csrf_from
from tests.notifications.conftest import FORBIDDEN
from tests.notifications.smtp import SmtpServer
from tests.notifications.test_mail import run_sender

# Shapes of what must never leave: a travel subject, a selector, a hash, a TLP:AMBER title.
SENSITIVE = {
    "subject": "Ottoline Marchbanks-Testperson",
    "selector": "+44 7700 900123",
    "hash": "d41d8cd98f00b204e9800998ecf8427e",
    "amber": "TLP:AMBER operation Nightjar plan",
}


def test_no_kind_of_notice_puts_its_content_in_an_email(
    db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    FORBIDDEN.update(SENSITIVE.values())
    org = factory.organisation("Careful Agency", kind="law_enforcement", country="SE")
    person = factory.user(org, roles=("org_admin", "analyst", "delegate"))
    actor = factory.actor(person)
    preferences.set_choices(db, actor=actor, wanted=dict.fromkeys(KINDS, "immediate"))
    start = len(smtp_server.received)
    for kind in KINDS:
        service.notify(
            db,
            actor=Actor.system(),
            organisation_id=org.id,
            kind=kind,
            title=f"{SENSITIVE['amber']} for {SENSITIVE['subject']}",
            body=f"selector {SENSITIVE['selector']} matched {SENSITIVE['hash']}",
            link=f"/hash-lists/entries/{SENSITIVE['hash']}",
        )
    run_sender(db, settings)
    received = smtp_server.to(person.email, start)
    assert len(received) == len(KINDS)
    subjects = {r.message["Subject"] for r in received}
    assert subjects == {f"nohaven: {kind.label}" for kind in KINDS.values()}
    for mail in received:
        raw = mail.raw.decode(errors="replace") + mail.text
        for value in SENSITIVE.values():
            assert value.lower() not in raw.lower()
        # the one link goes to the notice, behind sign-in; not to where the notice points
        assert "https://nohaven.example/inbox/" in mail.text


def test_an_invitation_arrives_by_email_with_a_one_time_link(
    client: TestClient, db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    org = factory.organisation("Inviting Hotline", kind="hotline")
    admin = factory.user(org, roles=("org_admin",))
    start = len(smtp_server.received)
    issued = invitations.invite_user(
        db,
        actor=factory.actor(admin),
        data=InvitationCreate(
            organisation_id=org.id, email="newcomer@hotline.example", roles=["analyst"]
        ),
        valid_days=7,
    )
    run_sender(db, settings)
    [mail] = smtp_server.to("newcomer@hotline.example", start)
    assert mail.message["Subject"] == "nohaven: you are invited to join"
    link = next(w for w in mail.text.split() if "/invitations/" in w)
    assert link == f"https://nohaven.example/invitations/{issued.token}"
    page = client.get(f"/invitations/{issued.token}")
    assert page.status_code == 200
    accepted = client.post(
        f"/invitations/{issued.token}",
        data={
            "display_name": "New Comer",
            "password": "a-long-Invited-passphrase-7",
            "password_again": "a-long-Invited-passphrase-7",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert accepted.status_code in {200, 303}, accepted.text
    assert client.get(f"/invitations/{issued.token}").status_code in {404, 410}
