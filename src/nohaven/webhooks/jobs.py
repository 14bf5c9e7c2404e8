"""Scheduled work of the webhooks domain: sending due deliveries (``webhooks.deliver``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.jobs.registry import Job, JobContext, Outcome
from nohaven.keys.ring import data_keyring
from nohaven.webhooks import delivery


def deliver(session: Session, context: JobContext) -> Outcome:
    settings = context.settings.webhooks
    transport = delivery.HttpTransport(settings.timeout_seconds)
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


def scheduled(settings: Settings) -> list[Job]:
    return [
        Job(
            name="webhooks.deliver",
            every=timedelta(seconds=settings.webhooks.send_seconds),
            run=deliver,
            description="sends signed webhook deliveries, retrying with backoff",
        )
    ]
