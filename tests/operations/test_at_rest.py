"""A referral's package never lies in plaintext: not in the database (the raw SQLite file or
PostgreSQL's row text, committed to a database of the test's own), not in the log lines, not
in the audit export; and the results statement carries totals only."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.config import Settings, get_settings
from nohaven.db import make_sessionmaker
from nohaven.deconfliction.keys import server_key
from nohaven.keys.ring import data_keyring
from nohaven.operations import flows, planning, referrals, results, service
from nohaven.operations.models import Phase, ReferralOutcome, sealed_fields
from nohaven.operations.schemas import (
    ActivityCreate,
    BriefingCreate,
    OutcomeIn,
    ParticipantUpdate,
    ReferralCreate,
    ResultIn,
)
from tests.factories import Factory
from tests.operations.conftest import LE, SUMMARY, SUSPECT, SUSPECT_EMAIL, TEST_KEY

NOTE = "Detained at the Fremantle address"
CONTACT = "DC Wilhelmina Contactperson"
BRIEF = "Entry team meets at Kwinana depot"
SECRETS = (SUSPECT, SUSPECT_EMAIL, SUMMARY, NOTE, CONTACT, BRIEF, "Marblewood")
CLEAR = "At-rest Federal Police"  # an organisation's name: in clear, so the search is real


def _fill(session: Session, settings: Settings) -> tuple[str, str]:
    factory = Factory(session, settings)
    body = factory.body("At-rest Taskforce")
    gb = factory.organisation("At-rest Crime Agency", kind=LE, country="GB")
    au = factory.organisation(CLEAR, kind=LE, country="AU")
    for org in (gb, au):
        factory.seat(body, org)
    lead, other = factory.actor(factory.user(gb)), factory.actor(factory.user(au))
    activity = service.propose(
        session,
        actor=lead,
        data=ActivityCreate(body_id=body.id, code_name="Glasswater", title="At rest"),
    )
    service.invite(session, actor=lead, activity_id=activity.id, organisation_id=au.id)
    service.answer(session, actor=other, activity_id=activity.id, accept=True)
    service.update_participant(
        session,
        actor=other,
        activity_id=activity.id,
        data=ParticipantUpdate(time_zone="Australia/Perth", contact=CONTACT),
    )
    planning.add_briefing(
        session,
        actor=lead,
        activity_id=activity.id,
        data=BriefingCreate(title="Entry plan", text=BRIEF),
    )
    service.set_phase(session, actor=lead, activity_id=activity.id, phase=Phase.ACTIVE)
    referral = referrals.send(
        session,
        actor=lead,
        activity_id=activity.id,
        data=ReferralCreate.model_validate(
            {
                "receiver_organisation_id": au.id,
                "subject_name": SUSPECT,
                "selectors": [{"type": "email", "value": SUSPECT_EMAIL}],
                "summary": SUMMARY,
            }
        ),
        limits=settings.operations,
        blind_check=referrals.BlindCheck(server_key(settings), settings.deconfliction),
    )
    opened = referrals.read(session, actor=other, activity_id=activity.id, referral_id=referral.id)
    assert referrals.package_of(opened) is not None
    referrals.conclude(
        session,
        actor=other,
        activity_id=activity.id,
        referral_id=referral.id,
        data=OutcomeIn(outcome=ReferralOutcome.ARRESTED, note=NOTE),
    )
    service.set_phase(session, actor=lead, activity_id=activity.id, phase=Phase.FOLLOW_UP)
    results.report(
        session,
        actor=other,
        activity_id=activity.id,
        data=ResultIn(period="follow_up", arrests=1, referrals_received=1),
    )
    statement = flows.draft_results_statement(session, actor=lead, activity_id=activity.id)
    return referral.id, flows.draft_text(session, statement=statement)


def test_referrals_never_in_plaintext(
    own_database: tuple[str, Engine, Path | None],
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, engine, path = own_database
    mine = settings.model_copy(update={"database_url": url, "oprf_key": SecretStr(TEST_KEY)})
    maker = make_sessionmaker(engine, keyring=data_keyring(get_settings()))
    caplog.set_level(logging.DEBUG)
    with maker() as session:
        referral_id, statement = _fill(session, mine)
        session.commit()
    # The statement holds totals, never case data.
    assert "- Arrests: 1" in statement
    for secret in SECRETS:
        assert secret.lower() not in statement.lower(), secret
    # Nothing of the package in any log line of the whole flow.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in SECRETS:
        assert secret not in logged, secret
    # Nor in the audit export (what an auditor downloads).
    with maker() as session:
        exported = json.dumps(list(audit.iter_export(session, actor=Actor.system("test"))))
    assert referral_id in exported
    assert "operation.referral.read" in exported
    for secret in SECRETS:
        assert secret not in exported, secret
    # It is really there, sealed.
    with engine.connect() as conn:
        sealed = conn.execute(
            text("SELECT package FROM operations_referrals WHERE id = :id"), {"id": referral_id}
        ).scalar_one()
    assert sealed
    assert SUSPECT not in sealed
    if path is not None:
        engine.dispose()  # checkpoint the write-ahead log into the file
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        raw = b"".join(p.read_bytes() for p in files)
        assert referral_id.encode() in raw
        assert CLEAR.encode() in raw
        for secret in SECRETS:
            assert secret.encode() not in raw, secret
    else:
        with engine.connect() as conn:
            tables = [
                *sealed_fields(),
                "organisations",
                "audit_entries",
                "notices",
                "statements",
                "statement_versions",
                "operations_activities",
            ]
            dump = " ".join(
                str(row[0])
                for table in tables
                for row in conn.execute(text(f"SELECT t::text FROM {table} t"))  # noqa: S608
            )
        assert referral_id in dump
        assert CLEAR in dump
        for secret in SECRETS:
            assert secret not in dump, secret
