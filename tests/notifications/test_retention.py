"""The ``notifications.purge`` job forgets sent, bounced and failed e-mails with their delivery
log, and old password-reset requests, past their keeping time; a message still waiting stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.models import PasswordReset
from nohaven.config import Settings
from nohaven.governance.public.models import ContactAttempt
from nohaven.jobs.registry import JobContext
from nohaven.kit.clock import utcnow
from nohaven.main import scheduled_jobs
from nohaven.notifications.models import MailAttempt, MailStatus, OutboxMessage


def _message(db: Session, status: MailStatus, age: timedelta) -> str:
    message = OutboxMessage(
        kind="travel.notification",
        to_address="poc@afp.example",
        subject="nohaven: Travel notification to acknowledge",
        text="You have a new notice.",
        link="/inbox/x",
        status=status,
        attempts=1,
        next_attempt_at=utcnow() - age,
        created_at=utcnow() - age,
    )
    db.add(message)
    db.flush()
    db.add(MailAttempt(message_id=message.id, outcome="sent", attempted_at=utcnow() - age))
    return message.id


def _reset(db: Session, age: timedelta) -> str:
    reset = PasswordReset(
        token_hash=str(age.total_seconds()).rjust(64, "0"),
        address_key="a" * 64,
        source_key="s" * 64,
        created_at=utcnow() - age,
        expires_at=utcnow() - age + timedelta(minutes=30),
    )
    db.add(reset)
    db.flush()
    return reset.id


def test_the_purge_job_forgets_finished_mail_and_old_resets_only(
    db: Session, settings: Settings
) -> None:
    old, recent = timedelta(days=settings.mail.keep_days + 1), timedelta(days=1)
    gone = [_message(db, status, old) for status in (MailStatus.SENT, MailStatus.BOUNCED)]
    gone.append(_message(db, MailStatus.FAILED, old))
    kept = [_message(db, MailStatus.PENDING, old), _message(db, MailStatus.SENT, recent)]
    old_reset = _reset(db, timedelta(hours=settings.mail.reset_keep_hours + 1))
    fresh_reset = _reset(db, timedelta(minutes=5))

    job = scheduled_jobs(settings)["notifications.purge"]
    outcome = job.run(db, JobContext(settings=settings, actor=Actor.system("jobs"), now=utcnow()))

    assert outcome.counts == {"messages": 3, "attempts": 3, "resets": 1}
    left = set(db.scalars(select(OutboxMessage.id)))
    assert left == set(kept)
    assert set(db.scalars(select(MailAttempt.message_id))) == set(kept)
    assert set(db.scalars(select(PasswordReset.id))) == {fresh_reset}
    assert old_reset not in left


def test_contact_attempts_are_kept_for_the_setting_then_forgotten(
    db: Session, settings: Settings
) -> None:
    keep = settings.model_copy(update={"contact_attempts_keep_hours": 48})
    now = utcnow()
    for hours in (1, 47, 49, 200):
        db.add(ContactAttempt(client_hash=f"{hours:064d}", at=now - timedelta(hours=hours)))
    db.flush()
    job = scheduled_jobs(keep)["governance.prune_contact_attempts"]
    outcome = job.run(db, JobContext(settings=keep, actor=Actor.system("jobs"), now=now))
    assert outcome.counts == {"pruned": 2, "messages_purged": 0}
    left = {a.client_hash for a in db.scalars(select(ContactAttempt))}
    assert left == {f"{1:064d}", f"{47:064d}"}
