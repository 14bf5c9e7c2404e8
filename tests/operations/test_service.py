"""The life of an operation through its services: proposal, invitations, action days in each
participant's time zone, referrals, results, the draft statement; with the notices each step
sends and the audit entries each change writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit.models import AuditEntry
from nohaven.config import Settings
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.notifications.models import Notice
from nohaven.operations import flows, jobs, planning, referrals, results, service
from nohaven.operations.models import FOLLOW_UP, Phase, ReferralOutcome, ReferralStatus
from nohaven.operations.schemas import (
    BriefingCreate,
    OutcomeIn,
    ParticipantUpdate,
    ResultIn,
)
from tests.operations.conftest import SUSPECT, World, propose, refer, running


def _notices(db: Session, org_id: str) -> list[str]:
    return list(
        db.scalars(
            select(Notice.kind).where(Notice.organisation_id == org_id).order_by(Notice.created_at)
        )
    )


def _actions(db: Session, resource_id: str) -> list[str]:
    return list(
        db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.resource_id == resource_id)
            .order_by(AuditEntry.id)
        )
    )


def test_invitation_and_answers(world: World, db: Session) -> None:
    activity = propose(world, db)
    lead = world.actor(world.lead)
    service.invite(db, actor=lead, activity_id=activity.id, organisation_id=world.au_org.id)
    assert _notices(db, world.au_org.id) == ["operations.invitation"]
    # The invitee sees the operation before answering; its other agencies' users do not.
    assert service.visible(db, actor=world.actor(world.au), activity_id=activity.id)
    service.answer(db, actor=world.actor(world.au), activity_id=activity.id, accept=True)
    assert activity.participant_organisation_ids == sorted([world.lead_org.id, world.au_org.id])
    assert activity.invited_organisation_ids == []
    with pytest.raises(Conflict):
        service.answer(db, actor=world.actor(world.au), activity_id=activity.id, accept=True)
    with pytest.raises(Conflict):
        service.invite(db, actor=lead, activity_id=activity.id, organisation_id=world.au_org.id)
    # Only a member of the body is invited.
    with pytest.raises(InvalidInput):
        service.invite(
            db, actor=lead, activity_id=activity.id, organisation_id=world.elsewhere_org.id
        )
    # A declined invitation leaves the agency outside.
    service.invite(db, actor=lead, activity_id=activity.id, organisation_id=world.us_org.id)
    service.answer(db, actor=world.actor(world.us), activity_id=activity.id, accept=False)
    with pytest.raises(NotFound):
        service.visible(db, actor=world.actor(world.us), activity_id=activity.id)
    assert _actions(db, activity.id)[:3] == [
        "operation.propose",
        "operation.invite",
        "operation.answer",
    ]


def test_action_days_in_each_participants_time_zone(world: World, db: Session) -> None:
    activity = running(world, db)
    service.update_participant(
        db,
        actor=world.actor(world.au),
        activity_id=activity.id,
        data=ParticipantUpdate(time_zone="Australia/Perth", contact="DS Lee, +61 8 0000 0000"),
    )
    with pytest.raises(ValueError, match="IANA"):
        ParticipantUpdate(time_zone="Mars/Olympus")
    moment = datetime(2027, 3, 1, 22, 0, tzinfo=UTC)
    assert planning.local_time(moment, "Australia/Perth").isoformat() == "2027-03-02T06:00:00+08:00"
    days = planning.action_days(db, actor=world.actor(world.au), activity=activity)
    assert [d.label for d in days] == ["Day one"]
    contacts = {
        p.organisation_id: service.contact_of(p)
        for p, _org in __import__("nohaven.operations.repository", fromlist=["x"]).participants(
            db, activity.id
        )
    }
    assert contacts[world.au_org.id] == "DS Lee, +61 8 0000 0000"


def test_briefings_for_participants_only(world: World, db: Session) -> None:
    activity = running(world, db)
    planning.add_briefing(
        db,
        actor=world.actor(world.lead),
        activity_id=activity.id,
        data=BriefingCreate(title="Target pack", tlp="TLP:RED", text="Meet at 05:00 local."),
    )
    shown = planning.briefings(db, actor=world.actor(world.us), activity=activity)
    assert [planning.text_of(b) for b in shown] == ["Meet at 05:00 local."]
    assert "operations.briefing" in _notices(db, world.us_org.id)


def test_referral_between_two_participants(world: World, db: Session, settings: Settings) -> None:
    activity = running(world, db)
    referral = refer(world, db, activity, settings)
    assert "operations.referral" in _notices(db, world.au_org.id)
    as_au = world.actor(world.au)
    opened = referrals.read(db, actor=as_au, activity_id=activity.id, referral_id=referral.id)
    package = referrals.package_of(opened)
    assert package is not None
    assert package.subject_name == SUSPECT
    # The lead takes part but is neither sender nor receiver: as if it did not exist.
    with pytest.raises(NotFound, match="No such referral"):
        referrals.read(
            db, actor=world.actor(world.lead), activity_id=activity.id, referral_id=referral.id
        )
    # Outside the operation even the operation is missing.
    for outsider in (world.bystander, world.elsewhere, world.secretariat, world.lead_delegate):
        with pytest.raises(NotFound, match="No such operation"):
            referrals.read(
                db, actor=world.actor(outsider), activity_id=activity.id, referral_id=referral.id
            )
    with pytest.raises(NotFound, match="No such referral"):
        referrals.read(db, actor=as_au, activity_id=activity.id, referral_id="0" * 26)
    # Only the receiver acknowledges and records the outcome.
    with pytest.raises(Exception, match="may not"):
        referrals.acknowledge(
            db, actor=world.actor(world.us), activity_id=activity.id, referral_id=referral.id
        )
    referrals.acknowledge(db, actor=as_au, activity_id=activity.id, referral_id=referral.id)
    referrals.conclude(
        db,
        actor=as_au,
        activity_id=activity.id,
        referral_id=referral.id,
        data=OutcomeIn(outcome=ReferralOutcome.ARRESTED, note="Arrested at home"),
    )
    assert referral.status == ReferralStatus.CONCLUDED
    assert _notices(db, world.us_org.id).count("operations.referral") == 2
    assert _actions(db, referral.id) == [
        "operation.referral.send",
        "operation.referral.read",
        "operation.referral.acknowledge",
        "operation.referral.conclude",
    ]


def test_referral_only_to_another_participant(
    world: World, db: Session, settings: Settings
) -> None:
    activity = running(world, db)
    from nohaven.operations.schemas import ReferralCreate

    for receiver in (world.bystander_org.id, world.us_org.id, "nonsense"):
        with pytest.raises(InvalidInput):
            referrals.send(
                db,
                actor=world.actor(world.us),
                activity_id=activity.id,
                data=ReferralCreate(receiver_organisation_id=receiver, summary="x"),
                limits=settings.operations,
            )
    with pytest.raises(InvalidInput, match="Selector 1"):
        referrals.send(
            db,
            actor=world.actor(world.us),
            activity_id=activity.id,
            data=ReferralCreate.model_validate(
                {
                    "receiver_organisation_id": world.au_org.id,
                    "selectors": [{"type": "email", "value": "not an address"}],
                    "summary": "x",
                }
            ),
            limits=settings.operations,
        )


def test_overdue_referral_is_escalated_once_and_purged_on_schedule(
    world: World, db: Session, settings: Settings
) -> None:
    activity = running(world, db)
    referral = refer(world, db, activity, settings)
    system = __import__("nohaven.auth.actor", fromlist=["Actor"]).Actor.system("test jobs")
    assert jobs.escalate_overdue(db, actor=system) == 0
    later = referral.acknowledge_by + timedelta(minutes=1)
    assert jobs.escalate_overdue(db, actor=system, now=later) == 1
    assert jobs.escalate_overdue(db, actor=system, now=later) == 0
    assert "operations.escalation" in _notices(db, world.au_org.id)
    assert "operations.escalation" in _notices(db, world.us_org.id)
    assert jobs.purge_expired(db, actor=system, retention_days=365) == 0
    after = datetime.combine(referral.purge_after + timedelta(days=1), datetime.min.time(), UTC)
    assert jobs.purge_expired(db, actor=system, retention_days=10_000, now=after) == 1
    assert referral.package is None
    assert referral.status == ReferralStatus.PURGED
    assert referrals.package_of(referral) is None
    with pytest.raises(Conflict, match="purged"):
        referrals.acknowledge(
            db, actor=world.actor(world.au), activity_id=activity.id, referral_id=referral.id
        )


def test_results_totals_and_statement_from_totals_only(
    world: World, db: Session, settings: Settings
) -> None:
    activity = running(world, db)
    refer(world, db, activity, settings)
    day = planning.action_days(db, actor=world.actor(world.lead), activity=activity)[0]
    with pytest.raises(InvalidInput):
        results.report(
            db,
            actor=world.actor(world.au),
            activity_id=activity.id,
            data=ResultIn(period="nonexistent", arrests=1),
        )
    results.report(
        db,
        actor=world.actor(world.au),
        activity_id=activity.id,
        data=ResultIn(period=day.id, arrests=3, children_safeguarded=2, devices_seized=11),
    )
    results.report(
        db,
        actor=world.actor(world.us),
        activity_id=activity.id,
        data=ResultIn(period=day.id, arrests=1, devices_seized=4, referrals_sent=1),
    )
    # A correction replaces the agency's figures for that period.
    results.report(
        db,
        actor=world.actor(world.us),
        activity_id=activity.id,
        data=ResultIn(period=FOLLOW_UP, arrests=2),
    )
    shown = results.summary(db, actor=world.actor(world.lead), activity_id=activity.id)
    assert shown.totals.arrests == 6
    assert shown.totals.devices_seized == 15
    assert {c.country: c.arrests for c in shown.by_country} == {"AU": 3, "US": 3}
    assert set(shown.definitions) == {
        "arrests",
        "children_safeguarded",
        "devices_seized",
        "referrals_sent",
        "referrals_received",
    }
    with pytest.raises(NotFound):
        results.summary(db, actor=world.actor(world.bystander), activity_id=activity.id)
    with pytest.raises(Conflict):
        flows.draft_results_statement(db, actor=world.actor(world.lead), activity_id=activity.id)
    service.set_phase(
        db, actor=world.actor(world.lead), activity_id=activity.id, phase=Phase.FOLLOW_UP
    )
    with pytest.raises(Forbidden):  # a participant sees it, but only the lead asks
        flows.draft_results_statement(db, actor=world.actor(world.au), activity_id=activity.id)
    statement = flows.draft_results_statement(
        db, actor=world.actor(world.lead), activity_id=activity.id
    )
    text = flows.draft_text(db, statement=statement)
    assert statement.title == "Results of Operation Tidewater"
    assert "3 agencies from 3 countries" in text
    assert "- Arrests: 6" in text
    assert "- Devices seized: 15" in text
    for case_data in (SUSPECT, "Perth", "quentin", "Arrested at home", "Test Federal Police"):
        assert case_data.lower() not in text.lower()
    with pytest.raises(Conflict):
        flows.draft_results_statement(db, actor=world.actor(world.lead), activity_id=activity.id)


def test_code_name_stays_out_of_the_statement_unless_allowed(world: World, db: Session) -> None:
    activity = running(world, db, code_name_visible=False)
    service.set_phase(
        db, actor=world.actor(world.lead), activity_id=activity.id, phase=Phase.FOLLOW_UP
    )
    statement = flows.draft_results_statement(
        db, actor=world.actor(world.lead), activity_id=activity.id
    )
    assert "Tidewater" not in statement.title
    assert "Tidewater" not in flows.draft_text(db, statement=statement)


def test_a_closed_operations_briefings_and_contacts_are_purged_after_retention(
    world: World, db: Session
) -> None:
    from nohaven.auth.actor import Actor
    from nohaven.operations import repository as repo

    activity = running(world, db)
    lead = world.actor(world.lead)
    planning.add_briefing(
        db,
        actor=lead,
        activity_id=activity.id,
        data=BriefingCreate(title="Plan", text="Entry at dawn"),
    )
    service.update_participant(
        db,
        actor=world.actor(world.au),
        activity_id=activity.id,
        data=ParticipantUpdate(time_zone="Australia/Perth", contact="DS Somebody"),
    )
    system = Actor.system("test jobs")
    activity.ends_on = datetime.now(UTC).date() - timedelta(days=40)
    db.flush()
    # Not closed yet: nothing goes, however old.
    assert jobs.purge_expired(db, actor=system, retention_days=30) == 0
    service.set_phase(db, actor=lead, activity_id=activity.id, phase=Phase.CLOSED)
    assert jobs.purge_expired(db, actor=system, retention_days=60) == 0
    assert jobs.purge_expired(db, actor=system, retention_days=30) == 1
    assert jobs.purge_expired(db, actor=system, retention_days=30) == 0
    assert [b.text for b in repo.briefings(db, activity.id)] == [None]
    assert {p.contact for p, _org in repo.participants(db, activity.id)} == {None}
    assert "operation.purge" in _actions(db, activity.id)
