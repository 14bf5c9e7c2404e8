"""E-mails in the recipient's language: the one on their profile, else the deployment's
default — subject, text and sign-off through the gettext catalogues, read back from the real
SMTP server. Chosen at sending, so the sender's own language plays no part."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.auth import password_reset
from nohaven.config import Settings
from nohaven.kit.i18n import speaking
from tests.factories import Factory
from tests.notifications.smtp import SmtpServer
from tests.notifications.test_mail import run_sender
from tests.travel.conftest import BIRTH, PASSPORT, SUBJECT_NAME, World, send


def test_a_french_point_of_contact_gets_the_travel_notification_in_french(
    db: Session, world: World, settings: Settings, smtp_server: SmtpServer
) -> None:
    world.receiver.language = "fr"
    db.flush()
    start = len(smtp_server.received)
    with speaking("es"):  # the sender reads nohaven in Spanish: that changes nothing
        send(world, db)
    run_sender(db, settings)
    [mail] = smtp_server.to(world.receiver.email, start)
    assert mail.message["Subject"] == "nohaven : Notification de voyage à accuser"
    assert mail.message["Content-Language"] == "fr"
    assert "Vous avez un nouvel avis sur nohaven : Notification de voyage à accuser." in mail.text
    assert "Ouvrez-la sur la plateforme :" in mail.text
    assert "Vous recevez ce message en raison de votre compte nohaven." in mail.text
    assert "https://nohaven.example/inbox/" in mail.text
    assert "You have a new notice" not in mail.text
    for secret in (SUBJECT_NAME, PASSPORT, BIRTH):
        assert secret not in mail.raw.decode(errors="replace")


def test_without_a_choice_the_deployment_default_speaks(
    db: Session, world: World, settings: Settings, smtp_server: SmtpServer
) -> None:
    assert world.receiver.language is None
    start = len(smtp_server.received)
    send(world, db)
    run_sender(db, settings.model_copy(update={"default_language": "es"}))
    [mail] = smtp_server.to(world.receiver.email, start)
    assert mail.message["Subject"] == "nohaven: Notificación de viaje por acusar"
    assert "Tiene un nuevo aviso en nohaven" in mail.text


def test_a_password_reset_in_arabic_and_one_in_english(
    db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    org = factory.organisation("Reset Ministry")
    arabic = factory.user(org, email="ar@reset.example")
    arabic.language = "ar"
    english = factory.user(org, email="en@reset.example")
    english.language = "en"
    db.flush()
    start = len(smtp_server.received)
    for person in (arabic, english):
        password_reset.request_reset(db, email=person.email, source="192.0.2.9", settings=settings)
    run_sender(db, settings.model_copy(update={"default_language": "fr"}))
    [in_arabic] = smtp_server.to(arabic.email, start)
    assert in_arabic.message["Subject"] == "nohaven: أعد تعيين كلمة المرور"
    assert f"خلال {settings.mail.reset_minutes} دقيقة" in in_arabic.text
    assert "/password-reset/" in in_arabic.text
    [in_english] = smtp_server.to(english.email, start)
    assert in_english.message["Subject"] == "nohaven: reset your password"
