"""Resetting a forgotten password by e-mail, through the pages and the real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.auth.models import PasswordReset
from nohaven.config import Settings
from nohaven.notifications.models import OutboxMessage
from tests.factories import Factory, csrf_from, web_login
from tests.notifications.smtp import SmtpServer
from tests.notifications.test_mail import run_sender

NEW_PASSWORD = "a-brand-new-Passphrase-42"


def ask(client: TestClient, email: str) -> str:
    page = client.get("/password-reset")
    response = client.post(
        "/password-reset", data={"email": email, "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 200
    return response.text


def test_a_user_resets_a_forgotten_password_by_email(
    client: TestClient, db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    user = factory.user(factory.organisation("Forgetful Hotline", kind="hotline"))
    start = len(smtp_server.received)
    assert "a link to choose a new password is on its way" in ask(client, user.email.upper())
    run_sender(db, settings)
    [mail] = smtp_server.to(user.email, start)
    assert mail.message["Subject"] == "nohaven: reset your password"
    link = next(w for w in mail.text.split() if "/password-reset/" in w)
    assert link.startswith("https://nohaven.example/password-reset/")
    token = link.rsplit("/", 1)[1]
    # only the token's hash is kept; the outbox forgets the link once sent
    assert db.scalar(select(func.count()).where(PasswordReset.token_hash == token)) == 0
    message = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)).one()
    assert message.link is None

    page = client.get(f"/password-reset/{token}")
    assert page.status_code == 200
    mismatch = client.post(
        f"/password-reset/{token}",
        data={
            "new": NEW_PASSWORD,
            "again": "something else entirely",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert mismatch.status_code == 422
    done = client.post(
        f"/password-reset/{token}",
        data={"new": NEW_PASSWORD, "again": NEW_PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/login"
    web_login(client, user, password=NEW_PASSWORD)
    assert client.get("/inbox").status_code == 200
    # the link works once
    client.cookies.clear()
    assert client.get(f"/password-reset/{token}").status_code == 404
    fresh = client.get("/password-reset")
    again = client.post(
        f"/password-reset/{token}",
        data={
            "new": NEW_PASSWORD + "x",
            "again": NEW_PASSWORD + "x",
            "csrf_token": csrf_from(fresh.text),
        },
    )
    assert again.status_code == 422


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: TestClient, db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    known = factory.user(factory.organisation("Known Hotline", kind="hotline"))
    start = len(smtp_server.received)
    known_answer = ask(client, known.email)
    unknown_answer = ask(client, "nobody-here@example.org")

    def main_part(html: str) -> str:
        return html.split("<main", 1)[1].split("</main>", 1)[0].split('name="csrf_token"')[0]

    assert main_part(known_answer) == main_part(unknown_answer)
    run_sender(db, settings)
    assert not smtp_server.to("nobody-here@example.org", start)
    assert len(smtp_server.to(known.email, start)) == 1
    # both requests did the same work: a row each, with a token's hash
    assert db.scalar(select(func.count()).select_from(PasswordReset)) == 2


def test_resets_are_throttled_per_address(
    client: TestClient, db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    user = factory.user(factory.organisation("Hammered Hotline", kind="hotline"))
    start = len(smtp_server.received)
    answers = {
        ask(client, user.email).split("<main", 1)[1].split("csrf_token")[0] for _ in range(5)
    }
    assert len(answers) == 1
    run_sender(db, settings)
    assert len(smtp_server.to(user.email, start)) == settings.mail.reset_per_hour


def test_an_expired_link_is_refused(
    client: TestClient, db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    user = factory.user(factory.organisation("Slow Hotline", kind="hotline"))
    start = len(smtp_server.received)
    ask(client, user.email)
    run_sender(db, settings)
    [mail] = smtp_server.to(user.email, start)
    token = next(w for w in mail.text.split() if "/password-reset/" in w).rsplit("/", 1)[1]
    reset = db.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id)).one()
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.flush()
    assert client.get(f"/password-reset/{token}").status_code == 404
