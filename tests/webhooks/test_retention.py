"""The ``webhooks.purge`` job forgets delivered and failed deliveries with their attempts past
their keeping time; a pending one (waiting for a paused endpoint) stays however old."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.jobs.registry import JobContext
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow
from nohaven.main import scheduled_jobs
from nohaven.webhooks import events, service
from nohaven.webhooks.addresses import Guard
from nohaven.webhooks.models import Attempt, Delivery, DeliveryStatus
from nohaven.webhooks.schemas import EndpointCreate
from tests.factories import Factory


def test_the_purge_job_forgets_finished_deliveries_only(
    db: Session, factory: Factory, settings: Settings
) -> None:
    org = factory.organisation("Receiving Police", kind="law_enforcement")
    service.register_endpoint(
        db,
        actor=factory.actor(factory.user(org, roles=("org_admin",))),
        data=EndpointCreate.model_validate(
            {"url": "https://hooks.afp.example/in", "kinds": ["deconfliction.hit"]}
        ),
        keyring=data_keyring(settings),
        guard=Guard(),
    )
    old = timedelta(days=settings.webhooks.keep_days + 1)
    ages = {
        DeliveryStatus.DELIVERED: old,
        DeliveryStatus.FAILED: old,
        DeliveryStatus.PENDING: old,
    }
    rows: dict[str, Delivery] = {}
    for status, age in [*ages.items(), ("recent", timedelta(days=1))]:
        [row] = events.publish(
            db, organisation_id=org.id, kind="deconfliction.hit", data={"path": "/x"}
        )
        row.status = DeliveryStatus.DELIVERED if status == "recent" else status
        row.created_at = utcnow() - age
        db.add(Attempt(delivery_id=row.id, attempted_at=row.created_at, status_code=500))
        rows[str(status)] = row
    db.flush()

    job = scheduled_jobs(settings)["webhooks.purge"]
    outcome = job.run(db, JobContext(settings=settings, actor=Actor.system("jobs"), now=utcnow()))

    assert outcome.counts == {"deliveries": 2, "attempts": 2}
    kept = {rows["pending"].id, rows["recent"].id}
    assert set(db.scalars(select(Delivery.id))) == kept
    assert set(db.scalars(select(Attempt.delivery_id))) == kept
