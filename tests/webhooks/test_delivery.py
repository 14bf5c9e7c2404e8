"""Deliveries reach a real receiver that checks their signatures; a receiver that is down
gets retries with backoff, and one that keeps failing has its endpoint paused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow
from nohaven.notifications.models import Notice
from nohaven.webhooks import delivery, events, service
from nohaven.webhooks.addresses import Guard
from nohaven.webhooks.models import DeliveryStatus, Endpoint, EndpointState
from nohaven.webhooks.schemas import EndpointCreate
from tests.factories import Factory
from tests.webhooks.receiver import Receiver


def _endpoint(
    factory: Factory, receiver: Receiver, *, kinds: tuple[str, ...], full: tuple[str, ...] = ()
) -> tuple[Endpoint, Actor]:
    org = factory.organisation("Receiving Police", kind="law_enforcement")
    admin = factory.user(org, roles=("org_admin",))
    issued = service.register_endpoint(
        factory.session,
        actor=factory.actor(admin),
        data=EndpointCreate.model_validate(
            {"url": receiver.url, "kinds": list(kinds), "full_payload_kinds": list(full)}
        ),
        keyring=data_keyring(factory.settings),
        guard=Guard.of(factory.settings),
    )
    receiver.secrets.append(issued.secret)
    return issued.endpoint, factory.actor(admin)


def _send(db: Session, settings: Settings, *, at: timedelta = timedelta()) -> delivery.Report:
    transport = delivery.HttpTransport(settings.webhooks.timeout_seconds, Guard.of(settings))
    try:
        return delivery.deliver_due(
            db,
            settings=settings.webhooks,
            site_url=settings.mail.site_url,
            keyring=data_keyring(settings),
            transport=transport,
            now=utcnow() + at,
        )
    finally:
        transport.close()


def _publish(endpoint: Endpoint, db: Session, kind: str = "deconfliction.hit") -> None:
    events.publish(
        db,
        organisation_id=endpoint.organisation_id,
        kind=kind,
        data={"notice_id": "n1", "path": "/deconfliction/hits"},
        text={"title": "Deconfliction hits to review", "body": "Open the hit to respond."},
    )


def test_a_delivery_is_signed_and_carries_identifiers_and_a_link_only(
    db: Session, factory: Factory, settings: Settings, receiver: Receiver
) -> None:
    endpoint, _ = _endpoint(factory, receiver, kinds=("deconfliction.hit", "travel.notification"))
    _publish(endpoint, db)
    _publish(endpoint, db, kind="governance.motion.opened")  # not chosen: not sent

    assert _send(db, settings).counts["delivered"] == 1

    [got] = receiver.received
    assert got.verified
    assert got.payload is not None
    assert got.payload["type"] == "deconfliction.hit"
    assert got.payload["data"] == {
        "notice_id": "n1",
        "path": "/deconfliction/hits",
        "url": "https://nohaven.example/deconfliction/hits",
    }
    assert got.headers["webhook-id"] == got.payload["id"]
    assert got.headers["webhook-signature"].startswith("v1,")
    assert "Deconfliction hits to review" not in got.text


def test_the_text_goes_only_for_kinds_the_admin_opted_into(
    db: Session, factory: Factory, settings: Settings, receiver: Receiver
) -> None:
    endpoint, _ = _endpoint(
        factory, receiver, kinds=("deconfliction.hit",), full=("deconfliction.hit",)
    )
    _publish(endpoint, db)
    _send(db, settings)
    [payload] = receiver.verified()
    assert payload["data"]["title"] == "Deconfliction hits to review"


def test_a_receiver_down_then_up_gets_the_delivery_after_a_retry(
    db: Session, factory: Factory, settings: Settings, receiver: Receiver
) -> None:
    endpoint, _ = _endpoint(factory, receiver, kinds=("deconfliction.hit",))
    _publish(endpoint, db)
    port = receiver.port
    receiver.stop()  # nothing listens: the connection is refused

    first = _send(db, settings)
    assert first.counts == {"delivered": 0, "retrying": 1, "failed": 0, "paused": 0}
    [waiting] = db.execute(select(events.Delivery)).scalars().all()
    assert waiting.status == DeliveryStatus.PENDING
    assert waiting.last_status_code is None
    assert waiting.last_error == "ConnectError"
    # Backoff: not tried again before its time…
    assert _send(db, settings, at=timedelta(seconds=30)).counts["retrying"] == 0

    receiver.port = port
    receiver.start()
    second = _send(db, settings, at=timedelta(seconds=61))  # …and at it
    assert second.counts["delivered"] == 1
    assert receiver.kinds() == ["deconfliction.hit"]
    assert waiting.status == DeliveryStatus.DELIVERED
    assert waiting.attempts == 2
    assert endpoint.consecutive_failures == 0


def test_retries_back_off_exponentially_until_the_delivery_fails(settings: Settings) -> None:
    waits = [delivery.backoff(settings.webhooks, n).total_seconds() for n in (1, 2, 3, 4)]
    assert waits == [60, 120, 240, 480]
    longest = settings.webhooks.retry_max_seconds
    assert delivery.backoff(settings.webhooks, 40).total_seconds() == longest


def test_a_receiver_failing_repeatedly_has_its_endpoint_paused_and_its_admins_told(
    db: Session, factory: Factory, settings: Settings, receiver: Receiver
) -> None:
    endpoint, admin = _endpoint(factory, receiver, kinds=("deconfliction.hit",))
    receiver.answer = 500
    for _ in range(4):
        _publish(endpoint, db)
    report = _send(db, settings)
    assert report.counts["paused"] == 1
    assert endpoint.state == EndpointState.PAUSED
    assert len(receiver.received) == 4  # every one was signed and verified, and refused
    assert all(r.verified for r in receiver.received)
    [notice] = db.execute(
        select(Notice).where(
            Notice.organisation_id == endpoint.organisation_id, Notice.kind == "webhooks.paused"
        )
    ).scalars()
    assert notice.link == f"/webhooks/{endpoint.id}"
    # Paused: nothing more is sent, even when due.
    _publish(endpoint, db)
    assert _send(db, settings, at=timedelta(hours=1)).counts["delivered"] == 0
    assert len(receiver.received) == 4

    # Resumed by the admin: the four retries and the one that waited are sent.
    receiver.answer = 204
    service.resume_endpoint(db, actor=admin, endpoint_id=endpoint.id)
    assert _send(db, settings, at=timedelta(hours=1)).counts["delivered"] == 5
    assert endpoint.state == EndpointState.ACTIVE
    assert receiver.received[-1].verified


def test_during_a_rotation_both_secrets_sign(
    db: Session, factory: Factory, settings: Settings, receiver: Receiver
) -> None:
    endpoint, admin = _endpoint(factory, receiver, kinds=("deconfliction.hit",))
    issued = service.rotate_secret(
        db,
        actor=admin,
        endpoint_id=endpoint.id,
        keyring=data_keyring(settings),
        grace=timedelta(hours=24),
    )
    # A receiver that still knows only the old secret accepts the next delivery…
    _publish(endpoint, db)
    _send(db, settings)
    # …and so does one that knows only the new one.
    receiver.secrets[:] = [issued.secret]
    _publish(endpoint, db)
    _send(db, settings)
    assert [r.verified for r in receiver.received] == [True, True]
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 2
    # After the grace period only the new secret signs.
    endpoint.previous_secret_expires_at = utcnow() - timedelta(seconds=1)
    _publish(endpoint, db)
    _send(db, settings)
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 1
    assert receiver.received[-1].verified
