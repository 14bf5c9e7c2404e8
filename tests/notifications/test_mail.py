"""E-mail through the outbox and the job runner, against the real SMTP server of the tests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.jobs.registry import JobContext
from nohaven.kit.clock import utcnow
from nohaven.notifications import jobs, service
from nohaven.notifications.models import MailAttempt, MailStatus, OutboxMessage
from tests.factories import Factory
from tests.notifications.conftest import FORBIDDEN
from tests.notifications.smtp import BOUNCING_DOMAIN, SmtpServer
from tests.travel.conftest import BIRTH, PASSPORT, SUBJECT_NAME, World, send


def run_sender(
    db: Session, settings: Settings, *, later: timedelta = timedelta()
) -> dict[str, int]:
    context = JobContext(settings=settings, actor=Actor.system("jobs"), now=utcnow() + later)
    return jobs.send_mail(db, context).counts


def test_a_travel_notification_reaches_the_point_of_contact_without_personal_data(
    db: Session, world: World, settings: Settings, smtp_server: SmtpServer
) -> None:
    FORBIDDEN.update({SUBJECT_NAME, PASSPORT, BIRTH, "Quillfeather"})
    start = len(smtp_server.received)
    notification = send(world, db)
    # In the outbox with the change, not sent yet: sending is the job runner's.
    assert not smtp_server.to(world.receiver.email, start)
    assert run_sender(db, settings)["sent"] >= 1
    [mail] = smtp_server.to(world.receiver.email, start)
    assert mail.message["Subject"] == "nohaven: Travel notification to acknowledge"
    assert mail.message["From"] == "nohaven@alliance.example"
    assert "https://nohaven.example/inbox/" in mail.text
    for secret in (SUBJECT_NAME, PASSPORT, BIRTH, notification.id):
        assert secret not in mail.raw.decode(errors="replace")
    # the sender's own people hear nothing; the third agency is not a destination
    assert not smtp_server.to(world.sender.email, start)
    assert not smtp_server.to(world.third.email, start)
    # the link leads to the notice, once signed in
    notice_id = mail.text.split("/inbox/")[1].split()[0]
    notice = service.get_notice(db, actor=world.actor(world.receiver), notice_id=notice_id)
    assert notice.kind == "travel.notification"


def test_a_change_that_rolls_back_sends_nothing(
    db: Session, world: World, settings: Settings, smtp_server: SmtpServer
) -> None:
    start = len(smtp_server.received)
    savepoint = db.begin_nested()
    send(world, db)
    assert db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == world.receiver.email))
    savepoint.rollback()
    run_sender(db, settings)
    assert not smtp_server.to(world.receiver.email, start)


def test_the_outbox_survives_the_mail_server_being_down(
    db: Session, world: World, settings: Settings, smtp_server: SmtpServer
) -> None:
    start = len(smtp_server.received)
    send(world, db)
    smtp_server.stop()
    try:
        first = run_sender(db, settings)
        assert first["deferred"] >= 1
        assert first["sent"] == 0
        message = db.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == world.receiver.email)
        ).one()
        assert message.status == MailStatus.PENDING
        assert message.attempts == 1
        waited = message.next_attempt_at - utcnow()
        assert timedelta(seconds=50) < waited <= timedelta(seconds=60)
        # not due again before its time, and the wait doubles after the next failure
        assert run_sender(db, settings)["deferred"] == 0
        assert run_sender(db, settings, later=timedelta(seconds=61))["deferred"] >= 1
        assert message.attempts == 2
        assert message.next_attempt_at - utcnow() > timedelta(seconds=61 + 110)
    finally:
        smtp_server.start()
    assert not smtp_server.to(world.receiver.email, start)
    assert run_sender(db, settings, later=timedelta(minutes=5))["sent"] >= 1
    assert len(smtp_server.to(world.receiver.email, start)) == 1
    assert message.status == MailStatus.SENT
    log = db.scalars(
        select(MailAttempt.outcome)
        .where(MailAttempt.message_id == message.id)
        .order_by(MailAttempt.attempted_at)
    ).all()
    assert log == ["deferred", "deferred", "sent"]


def test_an_address_the_server_refuses_is_marked_bounced(
    db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    org = factory.organisation("Bouncing Agency", kind="law_enforcement", country="NZ")
    admin = factory.user(org, roles=("org_admin",), email=f"gone@{BOUNCING_DOMAIN}")
    service.notify(
        db,
        actor=Actor.system(),
        organisation_id=org.id,
        kind="travel.escalation",
        title="overdue",
    )
    counts = run_sender(db, settings)
    assert counts["bounced"] == 1
    message = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == admin.id)).one()
    assert message.status == MailStatus.BOUNCED
    assert "550" in (message.last_error or "")
    # a bounce is final: never tried again
    assert run_sender(db, settings, later=timedelta(days=1))["bounced"] == 0


def test_every_attempt_failing_ends_in_failed(
    db: Session, world: World, settings: Settings, smtp_server: SmtpServer
) -> None:
    few = settings.model_copy(
        update={"mail": settings.mail.model_copy(update={"max_attempts": 2, "port": 9})}
    )
    send(world, db)
    run_sender(db, few)
    run_sender(db, few, later=timedelta(hours=7))
    message = db.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == world.receiver.email)
    ).one()
    assert message.status == MailStatus.FAILED
    assert message.attempts == 2
