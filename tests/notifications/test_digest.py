"""The daily digest: one e-mail per person at the digest hour, counting notices by kind."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.jobs.registry import JobContext
from nohaven.notifications import jobs, service
from tests.factories import Factory
from tests.notifications.smtp import SmtpServer
from tests.notifications.test_mail import run_sender

SYSTEM = Actor.system("test")


def digest_at(db: Session, settings: Settings, hour: int) -> int:
    moment = datetime.now(UTC).replace(hour=hour)
    context = JobContext(settings=settings, actor=SYSTEM, now=moment)
    return jobs.write_digests(db, context).counts["digests"]


def test_digest_notices_wait_for_the_hour_then_go_in_one_email(
    db: Session, factory: Factory, settings: Settings, smtp_server: SmtpServer
) -> None:
    org = factory.organisation("Digesting Ministry", country="PT")
    delegate = factory.user(org, roles=("delegate",))
    for n in range(3):
        service.notify(
            db,
            actor=SYSTEM,
            organisation_id=org.id,
            kind="policy.assessment.submitted",
            title=f"Assessment {n}",
        )
    service.notify(
        db, actor=SYSTEM, organisation_id=org.id, kind="governance.application", title="Apply"
    )
    start = len(smtp_server.received)
    run_sender(db, settings)
    assert not smtp_server.to(delegate.email, start)  # digest kinds are not sent at once
    hour = settings.mail.digest_hour
    assert digest_at(db, settings, (hour + 1) % 24) == 0  # not the hour yet
    assert digest_at(db, settings, hour) == 1
    assert digest_at(db, settings, hour) == 0  # each notice goes in one digest only
    run_sender(db, settings)
    [mail] = smtp_server.to(delegate.email, start)
    assert mail.message["Subject"] == "nohaven: your daily digest (4 notices)"
    assert "- Assessment to review: 3" in mail.text
    assert "- Application to join a body" in mail.text
    assert "Assessment 0" not in mail.text
