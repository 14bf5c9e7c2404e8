"""Scheduled work of the notifications domain: sending the outbox (``notifications.send_mail``)
writing the daily digests (``notifications.digest``) and forgetting old messages
(``notifications.purge``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.jobs.registry import Job, JobContext, Outcome
from nohaven.notifications import digest, mail, retention


def send_mail(session: Session, context: JobContext) -> Outcome:
    settings = context.settings.mail
    if not settings.host:
        return Outcome({"sent": 0})  # no mail server configured: messages wait in the outbox
    report = mail.deliver_due(
        session,
        settings=settings,
        transport=mail.SmtpTransport(settings),
        now=context.now,
        default_language=context.settings.default_language,
    )
    return Outcome(report.counts, more=report.full and report.counts["sent"] > 0)


def write_digests(session: Session, context: JobContext) -> Outcome:
    count = digest.send_digests(session, now=context.now, hour=context.settings.mail.digest_hour)
    return Outcome({"digests": count})


def purge(session: Session, context: JobContext) -> Outcome:
    mail = context.settings.mail
    purged = retention.purge(
        session, now=context.now, keep_days=mail.keep_days, reset_keep_hours=mail.reset_keep_hours
    )
    return Outcome(
        {"messages": purged.messages, "attempts": purged.attempts, "resets": purged.resets}
    )


def scheduled(settings: Settings) -> list[Job]:
    return [
        Job(
            name="notifications.send_mail",
            every=timedelta(seconds=settings.mail.send_seconds),
            run=send_mail,
            description="sends the e-mail outbox through SMTP, retrying with backoff",
        ),
        Job(
            name="notifications.digest",
            every=timedelta(hours=1),
            run=write_digests,
            description="writes each person's daily digest into the outbox at the digest hour",
        ),
        Job(
            name="notifications.purge",
            every=timedelta(hours=6),
            run=purge,
            description="forgets sent e-mails, their delivery log and old password-reset requests",
        ),
    ]
