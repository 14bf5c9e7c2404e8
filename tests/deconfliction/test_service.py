"""Registrations and hits between agencies, through the real client and the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.config import DeconflictionSettings, Settings
from nohaven.deconfliction import cases, client, service
from nohaven.deconfliction import hits as hit_service
from nohaven.deconfliction.models import HitParty, Registration
from nohaven.errors import Conflict, InvalidInput, NotFound
from nohaven.kit.clock import utcnow
from nohaven.notifications.models import Notice
from tests.deconfliction.conftest import AgencyMaker, email


def notices(db: Session, org_id: str) -> list[Notice]:
    return list(
        db.execute(
            select(Notice).where(
                Notice.organisation_id == org_id, Notice.kind == "deconfliction.hit"
            )
        ).scalars()
    )


def test_three_agencies_are_notified_mutually_and_a_fourth_learns_nothing(
    db: Session, agency: AgencyMaker
) -> None:
    nca, afp, hsi, rcmp = (
        agency("NCA test", "GB"),
        agency("AFP test", "AU"),
        agency("HSI test", "US"),
        agency("RCMP test", "CA"),
    )
    shared = email("suspect@example.org")
    nca_only = email("only-nca@example.org")
    assert nca.register([shared, nca_only], case="NCA-1").hits == 0
    assert notices(db, nca.org.id) == []

    assert afp.register([shared, email("only-afp@example.org")], case="AFP-7").hits == 1
    # The earlier registrant is told as well.
    assert len(notices(db, nca.org.id)) == 1
    assert len(notices(db, afp.org.id)) == 1

    assert hsi.register([email("SUSPECT@example.org")], case="HSI-3").hits == 1
    for holder in (nca, afp, hsi):
        hits = holder.transport.hits()
        assert len(hits) == 1
        hit = hits[0]
        assert hit["selector_type"] == "email"
        others = {c["organisation"] for c in hit["counterparts"]}
        assert others == {a.org.name for a in (nca, afp, hsi)} - {holder.org.name}
        # The own reference only, never the counterparts' case references.
        assert hit["own"]["case_reference"] in {"NCA-1", "AFP-7", "HSI-3"}
        for reference in ("NCA-1", "AFP-7", "HSI-3"):
            assert reference not in str(hit["counterparts"])
        cards = client.open_hit_cards(hit, holder.derived)
        assert sorted(c["officer"] for c in cards) == sorted(
            f"Officer of {a.org.name}" for a in (nca, afp, hsi) if a is not holder
        )
    assert len(notices(db, nca.org.id)) == 2  # told again when HSI joined
    assert len(notices(db, hsi.org.id)) == 1

    # A fourth agency with no overlap learns nothing, and cannot open a card or a hit.
    assert rcmp.register([email("unrelated@example.org")], case="RCMP-1").hits == 0
    assert rcmp.transport.hits() == []
    assert notices(db, rcmp.org.id) == []
    hit_id = nca.transport.hits()[0]["hit_id"]
    with pytest.raises(NotFound):
        hit_service.get_hit(db, actor=rcmp.actor, hit_id=hit_id)
    sealed = nca.transport.hits()[0]["counterparts"][0]["sealed_contact"]
    with pytest.raises(client.ClientError):
        client.open_card(rcmp.derived[0].contact_key, sealed)


def test_same_agency_twice_is_not_a_hit(agency: AgencyMaker) -> None:
    nca = agency("NCA solo")
    nca.register([email("x@example.org")], case="A")
    assert nca.register([email("x@example.org")], case="B").hits == 0
    assert nca.transport.hits() == []
    again = nca.register([email("x@example.org")], case="B")
    assert (again.registered, again.duplicates) == (0, 1)


def test_masked_agency_is_told_first_and_decides_to_reveal(
    db: Session, agency: AgencyMaker
) -> None:
    open_side, masked_side = agency("Open agency"), agency("Masked agency", "NL")
    selector = email("masked@example.org")
    open_side.register([selector], case="OPEN-1")
    # The masked agency registers: it is told, the other is not (yet).
    assert masked_side.register([selector], case="MASK-1", masked=True).hits == 1
    assert notices(db, open_side.org.id) == []
    assert open_side.transport.hits() == []
    masked_view = masked_side.transport.hits()[0]
    assert masked_view["own"]["masked"] is True
    assert [c["organisation"] for c in masked_view["counterparts"]] == ["Open agency"]

    hit_service.reveal(db, actor=masked_side.actor, hit_id=masked_view["hit_id"])
    assert len(notices(db, open_side.org.id)) == 1
    seen = open_side.transport.hits()[0]
    assert [c["organisation"] for c in seen["counterparts"]] == ["Masked agency"]
    assert client.open_hit_cards(seen, open_side.derived) == [
        {"officer": "Officer of Masked agency"}
    ]


def test_two_masked_agencies_each_know_only_of_a_masked_counterpart(agency: AgencyMaker) -> None:
    a, b = agency("Masked A"), agency("Masked B")
    a.register([email("both-masked@example.org")], masked=True)
    assert b.register([email("both-masked@example.org")], masked=True).hits == 1
    for side in (a, b):
        view = side.transport.hits()[0]
        assert view["counterparts"] == []
        assert view["masked_counterparts"] == 1


def test_outcomes_are_recorded_per_side(db: Session, agency: AgencyMaker) -> None:
    a, b = agency("Outcome A"), agency("Outcome B")
    a.register([email("o@example.org")])
    b.register([email("o@example.org")])
    hit_id = a.transport.hits()[0]["hit_id"]
    hit_service.record_outcome(db, actor=a.actor, hit_id=hit_id, outcome="relevant")
    hit_service.record_outcome(db, actor=b.actor, hit_id=hit_id, outcome="false_positive")
    assert a.transport.hits()[0]["own"]["outcome"] == "relevant"
    assert b.transport.hits()[0]["own"]["outcome"] == "false_positive"
    with pytest.raises(InvalidInput):
        hit_service.record_outcome(db, actor=a.actor, hit_id=hit_id, outcome="solved")


def test_closing_a_case_deletes_its_registrations_and_stops_matching(
    db: Session, agency: AgencyMaker
) -> None:
    a, b = agency("Closing A"), agency("Closing B")
    a.register([email("closed@example.org"), email("closed2@example.org")], case="CL-1")
    case_id = cases.list_cases(db, actor=a.actor)[0].case.id
    assert cases.close_case(db, actor=a.actor, case_id=case_id) == 2
    assert db.scalar(select(Registration).where(Registration.case_id == case_id)) is None
    assert b.register([email("closed@example.org")]).hits == 0
    with pytest.raises(Conflict):
        a.register([email("closed@example.org")], case="CL-1")
    with pytest.raises(NotFound):
        cases.close_case(db, actor=b.actor, case_id=case_id)


def test_expired_registrations_stop_matching_and_are_purged(
    db: Session, agency: AgencyMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = agency("Expiry A"), agency("Expiry B")
    a.register([email("old@example.org")])
    registration = db.execute(
        select(Registration).where(Registration.organisation_id == a.org.id)
    ).scalar_one()
    expiry, registration_id = registration.expires_at, registration.id
    assert 364 <= (expiry - utcnow()).days <= 366  # 12 months by default
    later = utcnow() + timedelta(days=400)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    monkeypatch.setattr(cases, "utcnow", lambda: later)
    assert b.register([email("old@example.org")]).hits == 0
    from nohaven.auth.actor import Actor

    assert cases.purge_expired(db, actor=Actor.system("test")) == 1
    db.expire_all()
    assert db.get(Registration, registration_id) is None


def test_renewal_extends_the_term(
    db: Session, agency: AgencyMaker, limits: DeconflictionSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = agency("Renew A")
    a.register([email("renew@example.org")], case="R-1")
    case_id = cases.list_cases(db, actor=a.actor)[0].case.id
    later = utcnow() + timedelta(days=200)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    monkeypatch.setattr(cases, "utcnow", lambda: later)
    assert cases.renew_case(db, actor=a.actor, case_id=case_id, limits=limits) == 1
    summary = cases.list_cases(db, actor=a.actor)[0]
    assert summary.expires_at is not None
    assert summary.expires_at > later + timedelta(days=360)


def test_bad_registrations_are_refused(db: Session, agency: AgencyMaker) -> None:
    a = agency("Refusals")
    a.register([email("first@example.org")])
    base = {"case_reference": "X", "handling_code": "H0", "key_epoch": 1}
    item = {"token": "ab" * 32, "selector_type": "email", "sealed_contact": "c2VhbGVk"}
    with pytest.raises(InvalidInput, match="handling code"):
        a.transport.register({**base, "handling_code": "H9", "items": [item]})
    with pytest.raises(InvalidInput, match="selector type"):
        a.transport.register({**base, "items": [{**item, "selector_type": "fax"}]})
    with pytest.raises(Conflict, match="key epoch"):
        a.transport.register({**base, "key_epoch": 99, "items": [item]})
    past = (utcnow() - timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput, match="expiry"):
        a.transport.register({**base, "expires_at": past, "items": [item]})


def test_a_hit_keeps_its_record_when_a_registration_goes(db: Session, agency: AgencyMaker) -> None:
    a, b = agency("Keep A"), agency("Keep B")
    a.register([email("keep@example.org")], case="K-1")
    b.register([email("keep@example.org")], case="K-2")
    case_id = cases.list_cases(db, actor=a.actor)[0].case.id
    cases.close_case(db, actor=a.actor, case_id=case_id)
    db.expire_all()
    parties = db.execute(select(HitParty)).scalars().all()
    assert len([p for p in parties if p.organisation_id in {a.org.id, b.org.id}]) == 2
    assert len(b.transport.hits()) == 1


def test_every_step_is_audited_with_counts_only(db: Session, agency: AgencyMaker) -> None:
    from nohaven.audit.models import AuditEntry

    a, b = agency("Audit A"), agency("Audit B")
    a.register([email("audited@example.org")], case="AUD-1")
    b.register([email("audited@example.org")], case="AUD-2")
    hit_id = a.transport.hits()[0]["hit_id"]
    hit_service.record_outcome(db, actor=a.actor, hit_id=hit_id, outcome="relevant")
    entries = db.execute(
        select(AuditEntry.action, AuditEntry.summary).where(
            AuditEntry.organisation_id.in_([a.org.id, b.org.id])
        )
    ).all()
    actions = [action for action, _ in entries]
    for expected in (
        "deconfliction.evaluate",
        "deconfliction.register",
        "deconfliction.hit",
        "deconfliction.hit.outcome",
        "deconfliction.hits.list",
    ):
        assert expected in actions, expected
    evaluate = [summary for action, summary in entries if action == "deconfliction.evaluate"]
    assert '"count":1' in evaluate[0]
    text = str(entries)
    assert "audited@example.org" not in text
    token = a.derived[0].token
    assert token not in text


def test_the_expiry_job_deletes_expired_registrations(
    db: Session, agency: AgencyMaker, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nohaven.auth.actor import Actor
    from nohaven.deconfliction import jobs
    from nohaven.jobs.registry import JobContext

    a = agency("Hook A")
    a.register([email("hook@example.org")])
    later = utcnow() + timedelta(days=400)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    monkeypatch.setattr(cases, "utcnow", lambda: later)
    context = JobContext(settings, Actor.system("test"), later)
    assert jobs.expire(db, context).counts == {"registrations_deleted": 1}
