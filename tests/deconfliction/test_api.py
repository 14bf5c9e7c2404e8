"""The HTTP API end to end, quotas, key handling, policy, and that no selector is stored."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import MetaData, String, Text, select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import DeconflictionSettings, Settings
from nohaven.deconfliction import client, epochs, oprf, quotas, service
from nohaven.deconfliction.keys import KeyUnavailable, server_key
from nohaven.deconfliction.models import KeyEpoch, QuotaBucket, RatioFlag
from nohaven.deconfliction.selectors import Selector, normalise
from nohaven.errors import Conflict, Forbidden, TooManyRequests
from nohaven.kit.clock import utcnow
from nohaven.members.models import OrganisationKind
from nohaven.notifications.models import Notice
from tests.deconfliction.conftest import AgencyMaker, email
from tests.factories import Factory


def http_agency(
    factory: Factory, client_: TestClient, name: str, *, scopes: tuple[str, ...] = ("read", "write")
) -> client.HttpTransport:
    org = factory.organisation(name, kind=OrganisationKind.LAW_ENFORCEMENT, country="DE")
    user = factory.user(org, roles=("analyst",))
    return client.HttpTransport(
        "http://testserver", factory.token(user, scopes=scopes), http=client_
    )


SECRETS = [
    ("email", "Hidden.Person@example.org", {}),
    ("phone", "+44 20 7946 0958", {}),
    ("username", "@SecretHandle", {"platform": "telegram"}),
    ("url", "https://secret-site.example/path/x", {}),
    ("wallet", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", {}),
    ("hash", "9e107d9d372bb6826bd81d3542a419d6", {}),
]


def test_registration_over_http_raises_hits_and_stores_no_selector(
    db: Session,
    factory: Factory,
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    selectors = [normalise(t, v, **kw) for t, v, kw in SECRETS]  # type: ignore[arg-type]
    bka, fbi = http_agency(factory, client, "BKA test"), http_agency(factory, client, "FBI test")
    first, derived_a = client_register(bka, selectors, "BKA-1")
    assert (first.registered, first.hits) == (6, 0)
    second, _ = client_register(fbi, selectors[:3], "FBI-9")
    assert (second.registered, second.hits) == (3, 3)
    hits = bka.hits()
    assert len(hits) == 3
    assert {h["selector_type"] for h in hits} == {"email", "phone", "username"}
    for hit in hits:
        assert hit["counterparts"][0]["organisation"] == "FBI test"
        assert client_open(hit, derived_a) == [{"officer": "Det. Example", "phone": "+49 30 1"}]

    # Nothing in any table, nor the logs, holds a selector in plaintext or canonical form.
    needles: set[str] = set()
    for (_kind, value, _kw), selector in zip(SECRETS, selectors, strict=True):
        needles |= {value.lower(), selector.value.lower(), selector.canonical.lower()}
    needles |= {"det. example"}
    dump = dump_database(db).lower() + caplog.text.lower()
    for needle in needles:
        assert needle not in dump, needle


def client_register(
    transport: client.HttpTransport, selectors: list[Selector], case: str
) -> tuple[client.RegistrationReport, list[client.Derived]]:
    return client.register_selectors(
        transport,
        selectors=selectors,
        case_reference=case,
        handling_code="H2",
        contact_card={"officer": "Det. Example", "phone": "+49 30 1"},
        batch_size=4,
    )


def client_open(hit: dict[str, object], derived: list[client.Derived]) -> list[dict[str, str]]:
    return client.open_hit_cards(hit, derived)


def dump_database(db: Session) -> str:
    meta = MetaData()
    meta.reflect(bind=db.connection())
    parts: list[str] = []
    for table in meta.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if columns:
            for row in db.execute(select(*columns)).all():
                parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)


def test_evaluate_rejects_bad_elements_and_enforces_quotas(
    db: Session, factory: Factory, app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    tight = DeconflictionSettings(user_burst=5, user_per_hour=3600, org_burst=100)
    # The app's settings are what the endpoint is handed (config.AppSettings).
    app.state.settings = app.state.settings.model_copy(update={"deconfliction": tight})
    transport = http_agency(factory, client, "Quota agency")
    url, headers = "/api/v1/deconfliction/evaluate", transport.headers
    bad = client.post(url, json={"elements": ["not base64!"]}, headers=headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    identity = base64.b64encode(bytes(32)).decode()
    assert client.post(url, json={"elements": [identity]}, headers=headers).status_code == 422

    elements = [base64.b64encode(oprf.blind(bytes([i]))[1]).decode() for i in range(4)]
    assert client.post(url, json={"elements": elements}, headers=headers).status_code == 200
    refused = client.post(url, json={"elements": elements}, headers=headers)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "quota" in refused.json()["detail"]
    # The bucket refills with time (3600 per hour: one a second).
    later = utcnow() + timedelta(seconds=10)
    monkeypatch.setattr(quotas, "utcnow", lambda: later)
    assert client.post(url, json={"elements": elements}, headers=headers).status_code == 200


def test_refusals_are_counted_for_the_secretariat(db: Session, agency: AgencyMaker) -> None:
    # The API records a refusal in a transaction of its own (the request's is rolled back);
    # the test harness nests all transactions in one, so the recording is checked here.
    tight = DeconflictionSettings(user_burst=2)
    first = agency("Refused agency")
    element = oprf.blind(b"x")[1]
    with pytest.raises(TooManyRequests):
        service.evaluate(
            db, actor=first.actor, key=first.transport.key, blinded=[element] * 3, limits=tight
        )
    quotas.record_refusal(db, actor=first.actor, count=3)
    refusals = db.execute(
        select(QuotaBucket.refused_total).where(QuotaBucket.organisation_id == first.org.id)
    ).scalars()
    assert sorted(refusals) == [3, 3]


def test_organisation_quota_spans_its_users(db: Session, agency: AgencyMaker) -> None:
    tight = DeconflictionSettings(user_burst=100, org_burst=6, org_per_hour=1)
    first = agency("Org quota")
    element = oprf.blind(b"x")[1]
    service.evaluate(
        db, actor=first.actor, key=first.transport.key, blinded=[element] * 4, limits=tight
    )
    with pytest.raises(TooManyRequests, match="organisation"):
        service.evaluate(
            db, actor=first.actor, key=first.transport.key, blinded=[element] * 4, limits=tight
        )


def test_unusual_hit_ratio_is_flagged_to_the_secretariat(
    db: Session, factory: Factory, agency: AgencyMaker
) -> None:
    secretariat = factory.organisation("Secretariat test", kind=OrganisationKind.INTERGOVERNMENTAL)
    factory.user(secretariat, roles=("secretariat_admin",))
    limits = DeconflictionSettings(ratio_min_registrations=3, ratio_threshold=0.5)
    victim, prober = agency("Holder"), agency("Prober")
    victim.transport.limits = prober.transport.limits = limits
    values = [email(f"p{i}@example.org") for i in range(4)]
    victim.register(values)
    prober.register(values)
    flags = db.execute(select(RatioFlag).where(RatioFlag.organisation_id == prober.org.id)).all()
    assert len(flags) == 1
    told = db.execute(
        select(Notice).where(
            Notice.organisation_id == secretariat.id, Notice.kind == "deconfliction.ratio_flag"
        )
    ).all()
    assert len(told) == 1


def test_without_a_key_outside_demo_the_server_refuses(
    settings: Settings, factory: Factory, client: TestClient
) -> None:
    bare = settings.model_copy(update={"oprf_key": None, "oprf_key_file": None, "demo": False})
    with pytest.raises(KeyUnavailable):
        server_key(bare)
    demo = server_key(bare.model_copy(update={"demo": True}))
    assert demo.public != server_key(settings).public
    with pytest.raises(KeyUnavailable, match="32 bytes"):
        server_key(bare.model_copy(update={"oprf_key": SecretStr("too short")}))


def test_key_rotation_retires_old_tokens(
    db: Session, settings: Settings, agency: AgencyMaker
) -> None:
    a, b = agency("Rotate A"), agency("Rotate B")
    a.register([email("rot@example.org")])
    new_key = server_key(settings.model_copy(update={"oprf_key": SecretStr("22" * 32)}))
    # A changed key without rotation is refused, not silently mixed.
    with pytest.raises(KeyUnavailable, match="rotate-key"):
        service.evaluate(
            db,
            actor=b.actor,
            key=new_key,
            blinded=[oprf.blind(b"x")[1]],
            limits=DeconflictionSettings(),
        )
    epoch = epochs.rotate_key(db, actor=Actor.system("test"), key=new_key)
    assert epoch.epoch == 2
    assert db.get(KeyEpoch, 1).retired_at is not None  # type: ignore[union-attr]
    asked = db.execute(
        select(Notice).where(
            Notice.organisation_id == a.org.id, Notice.kind == "deconfliction.rekey"
        )
    ).all()
    assert len(asked) == 1
    with pytest.raises(Conflict):
        epochs.rotate_key(db, actor=Actor.system("test"), key=new_key)
    with pytest.raises(Forbidden):
        epochs.rotate_key(db, actor=a.actor, key=new_key)
    b.transport.key = new_key
    assert b.register([email("rot@example.org")]).hits == 0  # the old epoch no longer matches
    a.transport.key = new_key
    assert a.register([email("rot@example.org")], case="CASE-2").hits == 1


@pytest.mark.parametrize(
    ("kind", "roles", "allowed"),
    [
        (OrganisationKind.LAW_ENFORCEMENT, ("analyst",), True),
        (OrganisationKind.LAW_ENFORCEMENT, ("delegate",), False),
        (OrganisationKind.NGO, ("analyst",), False),
        (OrganisationKind.INDUSTRY, ("analyst",), False),
        (OrganisationKind.INTERGOVERNMENTAL, ("secretariat_admin",), False),
    ],
)
def test_only_law_enforcement_analysts_evaluate_and_register(
    db: Session,
    factory: Factory,
    client: TestClient,
    kind: OrganisationKind,
    roles: tuple[str, ...],
    allowed: bool,
) -> None:
    org = factory.organisation(kind=kind)
    user = factory.user(org, roles=roles)
    headers = factory.headers(user, scopes=("read", "write"))
    element = base64.b64encode(oprf.blind(b"x")[1]).decode()
    evaluated = client.post(
        "/api/v1/deconfliction/evaluate", json={"elements": [element]}, headers=headers
    )
    assert evaluated.status_code == (200 if allowed else 403)
    hits = client.get("/api/v1/deconfliction/hits", headers=headers)
    assert hits.status_code == (200 if allowed else 403)


def test_a_read_token_evaluates_but_cannot_register(factory: Factory, client: TestClient) -> None:
    transport = http_agency(factory, client, "Read-only agency", scopes=("read",))
    with pytest.raises(client_error(), match="403"):
        client_register(transport, [email("ro@example.org")], "RO-1")


def client_error() -> type[Exception]:
    return client.ClientError


def test_hits_of_others_are_not_found_over_http(factory: Factory, client: TestClient) -> None:
    a = http_agency(factory, client, "HTTP A")
    b = http_agency(factory, client, "HTTP B")
    c = http_agency(factory, client, "HTTP C")
    client_register(a, [email("h@example.org")], "A")
    client_register(b, [email("h@example.org")], "B")
    hit_id = a.hits()[0]["hit_id"]
    url = f"/api/v1/deconfliction/hits/{hit_id}"
    assert client.get(url, headers=c.headers).status_code == 404
    assert (
        client.post(url + "/outcome", json={"outcome": "relevant"}, headers=c.headers).status_code
        == 404
    )
    done = client.post(url + "/outcome", json={"outcome": "deconflicted"}, headers=a.headers)
    assert done.status_code == 200
    assert done.json()["own"]["outcome"] == "deconflicted"
    cases = client.get("/api/v1/deconfliction/cases", headers=a.headers).json()
    assert [c_["reference"] for c_ in cases] == ["A"]
    closed = client.post(f"/api/v1/deconfliction/cases/{cases[0]['id']}/close", headers=c.headers)
    assert closed.status_code == 404
