"""Where webhooks may go: HTTPS to public addresses only, checked at registration and again,
after resolving the name, at each delivery; an explicit allowlist of networks opens the
others (these tests' receiver on loopback is reached through one)."""

from __future__ import annotations

import ipaddress

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.keys.ring import data_keyring
from nohaven.kit.clock import utcnow
from nohaven.webhooks import addresses, delivery, events, service
from nohaven.webhooks.addresses import Guard, RefusedAddress
from nohaven.webhooks.models import Attempt, Delivery, DeliveryStatus
from nohaven.webhooks.schemas import EndpointCreate
from tests.factories import Factory
from tests.webhooks.receiver import Receiver

ENDPOINTS = "/api/v1/webhooks/endpoints"
PUBLIC = "93.184.215.14"

# Each kind of address the server must not knock on, by a literal in the URL.
REFUSED = {
    "https://127.0.0.1/hooks": "loopback",
    "https://[::1]/hooks": "loopback",
    "https://[::ffff:127.0.0.1]/hooks": "loopback",
    "https://0.0.0.0/hooks": "unspecified",
    "https://10.1.2.3/hooks": "private",
    "https://172.16.0.9/hooks": "private",
    "https://192.168.1.1/hooks": "private",
    "https://[fd00:ec2::254]/hooks": "private",
    "https://169.254.169.254/latest/meta-data": "link-local",
    "https://[fe80::1]/hooks": "link-local",
    "https://224.0.0.251/hooks": "multicast",
    "https://[ff02::1]/hooks": "multicast",
    "https://240.0.0.1/hooks": "reserved",
    "https://100.64.0.1/hooks": "non-public",
}


@pytest.mark.parametrize(("url", "why"), sorted(REFUSED.items()))
def test_each_forbidden_kind_of_address_is_refused_at_registration(url: str, why: str) -> None:
    with pytest.raises(RefusedAddress) as refused:
        Guard().check_url(url)
    assert why in refused.value.detail


def test_a_name_is_checked_by_what_it_resolves_to() -> None:
    # "localhost" resolves through the machine's own resolver, as any name would.
    with pytest.raises(RefusedAddress, match="loopback"):
        Guard(allow_http_loopback=True).check_url("http://localhost:8080/hooks")
    # One forbidden address among several is enough to refuse.
    mixed = Guard(resolve=lambda host, port: [PUBLIC, "10.0.0.7"])
    with pytest.raises(RefusedAddress, match="private"):
        mixed.check_url("https://hooks.agency.example/in")
    public = Guard(resolve=lambda host, port: [PUBLIC])
    assert public.check_url("https://hooks.agency.example/in") == "https://hooks.agency.example/in"


def test_https_is_required_outside_demo_and_test_settings(settings: Settings) -> None:
    strict = Guard(resolve=lambda host, port: [PUBLIC])
    with pytest.raises(RefusedAddress, match="https://"):
        strict.check_url("http://hooks.agency.example/in")
    with pytest.raises(RefusedAddress, match="https://"):
        strict.check_url("ftp://hooks.agency.example/in")
    with pytest.raises(RefusedAddress, match="password"):
        strict.check_url("https://user:pw@hooks.agency.example/in")
    production = settings.model_copy(
        update={
            "demo": False,
            "webhooks": settings.webhooks.model_copy(
                update={"allow_http_loopback": False, "allowed_networks": []}
            ),
        }
    )
    with pytest.raises(RefusedAddress, match="https://"):
        Guard.of(production).check_url("http://127.0.0.1:9000/hooks")
    # Demo mode: a receiver beside the server, over plain HTTP, without further settings.
    demo = production.model_copy(update={"demo": True})
    assert Guard.of(demo).check_url("http://127.0.0.1:9000/hooks")


def test_the_allowlist_opens_only_the_networks_it_names() -> None:
    allowed = Guard(allowed=(ipaddress.ip_network("10.20.0.0/16"),))
    assert allowed.check_url("https://10.20.3.4/in")
    with pytest.raises(RefusedAddress, match="private"):
        allowed.check_url("https://10.21.3.4/in")
    with pytest.raises(RefusedAddress, match="link-local"):
        allowed.check_url("https://169.254.169.254/in")


def test_the_api_refuses_a_forbidden_address_with_a_problem_and_writes_nothing(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation("Agency", kind="law_enforcement")
    headers = factory.headers(factory.user(org, roles=("org_admin",)))
    for url in ("https://169.254.169.254/latest", "https://10.0.0.5/in", "https://[::1]/in"):
        refused = client.post(
            ENDPOINTS, json={"url": url, "kinds": ["travel.notification"]}, headers=headers
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "not sent" in refused.json()["detail"]
    assert db.scalars(select(Delivery)).all() == []
    assert client.get(ENDPOINTS, headers=headers).json() == []


def _registered(factory: Factory, settings: Settings, url: str, guard: Guard) -> str:
    org = factory.organisation("Receiving Police", kind="law_enforcement")
    admin = factory.user(org, roles=("org_admin",))
    issued = service.register_endpoint(
        factory.session,
        actor=factory.actor(admin),
        data=EndpointCreate.model_validate({"url": url, "kinds": ["deconfliction.hit"]}),
        keyring=data_keyring(settings),
        guard=guard,
    )
    events.publish(
        factory.session,
        organisation_id=org.id,
        kind="deconfliction.hit",
        data={"notice_id": "n1", "path": "/deconfliction/hits"},
    )
    return issued.secret


def _send(db: Session, settings: Settings, guard: Guard) -> delivery.Report:
    transport = delivery.HttpTransport(5, guard)
    try:
        return delivery.deliver_due(
            db,
            settings=settings.webhooks,
            site_url=settings.mail.site_url,
            keyring=data_keyring(settings),
            transport=transport,
            now=utcnow(),
        )
    finally:
        transport.close()


def test_delivery_checks_the_address_again_and_refuses_a_name_re_pointed_inside(
    db: Session, factory: Factory, settings: Settings, receiver: Receiver
) -> None:
    # Registered while the name led to a public address; by delivery it leads to loopback.
    answers = {"now": [PUBLIC]}
    rebinding = Guard(resolve=lambda host, port: answers["now"])
    receiver.secrets.append(
        _registered(factory, settings, f"https://hooks.agency.example:{receiver.port}/", rebinding)
    )
    answers["now"] = ["127.0.0.1"]

    report = _send(db, settings, rebinding)

    assert report.counts["retrying"] == 1
    assert receiver.received == []
    [attempt] = db.scalars(select(Attempt)).all()
    assert attempt.status_code is None
    assert "loopback" in (attempt.error or "")
    assert db.scalars(select(Delivery)).one().status == DeliveryStatus.PENDING


def test_an_allowlist_withdrawn_after_registration_stops_deliveries(
    db: Session, factory: Factory, settings: Settings, receiver: Receiver
) -> None:
    allowed = Guard.of(settings)  # these tests' settings allow loopback
    receiver.secrets.append(_registered(factory, settings, receiver.url, allowed))
    strict = Guard(allow_http_loopback=True)
    assert _send(db, settings, strict).counts["retrying"] == 1
    assert receiver.received == []
    assert _send_later(db, settings, allowed).counts["delivered"] == 1
    assert [r.verified for r in receiver.received] == [True]


def _send_later(db: Session, settings: Settings, guard: Guard) -> delivery.Report:
    for row in db.scalars(select(Delivery)):
        row.next_attempt_at = utcnow()
    db.flush()
    return _send(db, settings, guard)


def test_delivery_connects_to_the_checked_address_under_the_registered_name(
    receiver: Receiver,
) -> None:
    # The name resolves (for this guard) to the loopback receiver, which is allowlisted: the
    # connection goes to that address, and the receiver sees the name as Host.
    guard = Guard(
        allow_http_loopback=True,
        allowed=addresses.LOOPBACK_NETWORKS,
        resolve=lambda host, port: ["127.0.0.1"],
    )
    transport = delivery.HttpTransport(5, guard)
    try:
        answer = transport.post(
            f"http://receiver.agency.example:{receiver.port}/hooks", body=b"{}", headers={}
        )
    finally:
        transport.close()
    assert answer.status_code == 401  # unsigned: the receiver refuses, but it was reached
    [got] = receiver.received
    assert got.headers["host"] == f"receiver.agency.example:{receiver.port}"
