"""Scheduled work of the webhooks domain: sending due deliveries (``webhooks.deliver``) and
forgetting old ones (``webhooks.purge``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.jobs.registry import Job, JobContext, Outcome
from nohaven.keys.ring import data_keyring
from nohaven.webhooks import addresses, delivery, retention


def deliver(session: Session, context: JobContext) -> Outcome:
    settings = context.settings.webhooks
    transport = delivery.HttpTransport(
        settings.timeout_seconds, addresses.Guard.of(context.settings)
    )
    try:
        report = delivery.deliver_due(
            session,
            settings=settings,
            site_url=context.settings.mail.site_url,
            keyring=data_keyring(context.settings),
            transport=transport,
            now=context.now,
        )
    finally:
        transport.close()
    return Outcome(report.counts, more=report.full and report.counts["delivered"] > 0)


def purge(session: Session, context: JobContext) -> Outcome:
    purged = retention.purge(
        session, now=context.now, keep_days=context.settings.webhooks.keep_days
    )
    return Outcome({"deliveries": purged.deliveries, "attempts": purged.attempts})


def scheduled(settings: Settings) -> list[Job]:
    return [
        Job(
            name="webhooks.deliver",
            every=timedelta(seconds=settings.webhooks.send_seconds),
            run=deliver,
            description="sends signed webhook deliveries, retrying with backoff",
        ),
        Job(
            name="webhooks.purge",
            every=timedelta(hours=6),
            run=purge,
            description="forgets delivered and failed webhook deliveries past their keeping time",
        ),
    ]
