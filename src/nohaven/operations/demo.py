"""Demo data of operations, in the VGT: one joint operation followed from proposal to its
published results, one being planned (with an invitation waiting), and a published awareness
campaign. Every name, figure and case is illustrative.

* Operation Harbour Light (closed): led by the AFP with the NCA and US HSI; action days in
  each agency's time zone, a briefing, two referrals (one concluded, one acknowledged), every
  participant's results, and the joint results statement, adopted and published. The lead let
  the body see its code name and published it on the body's programme.
* Operation Northern Lantern (planning): led by the NCA with the AFP; US HSI's invitation is
  open, so a visitor can accept it. Its code name is for participants only.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions.models import Ballot, Majority, Motion, Outcome, Participation
from nohaven.governance.statements import service as statements
from nohaven.kit.clock import utcnow
from nohaven.members.models import Body, User
from nohaven.operations import flows, planning, referrals, results, service
from nohaven.operations.models import (
    FOLLOW_UP,
    Activity,
    ActivityKind,
    Phase,
    ReferralOutcome,
)
from nohaven.operations.schemas import (
    ActionDayCreate,
    ActivityCreate,
    BriefingCreate,
    OutcomeIn,
    ParticipantUpdate,
    ReferralCreate,
    ResultIn,
)

HARBOUR_LIGHT = "0e5a1c0d0000400a8000000000000001"
NORTHERN_LANTERN = "0e5a1c0d0000400a8000000000000002"
CAMPAIGN = "0e5a1c0d0000400a8000000000000003"
AFP, NCA, HSI = (
    "analyst@afp.demo.nohaven.test",
    "analyst@nca.demo.nohaven.test",
    "analyst@hsi.demo.nohaven.test",
)
ZONES = {AFP: "Australia/Canberra", NCA: "Europe/London", HSI: "America/New_York"}
LOADER = Actor.system("demo loader")


def _actor(session: Session, email: str) -> Actor | None:
    user = session.execute(
        select(User).where(User.email == email).options(joinedload(User.organisation))
    ).scalar_one_or_none()
    return None if user is None else auth_service.actor_for(session, user)


def load(session: Session, *, settings: Settings) -> None:
    vgt = session.scalar(select(Body).where(Body.slug == "vgt"))
    afp, nca, hsi = (_actor(session, e) for e in (AFP, NCA, HSI))
    if vgt is None or afp is None or nca is None or hsi is None:
        return
    if session.get(Activity, HARBOUR_LIGHT) is None:
        _harbour_light(session, settings, vgt, afp, nca, hsi)
    if session.get(Activity, NORTHERN_LANTERN) is None:
        _northern_lantern(session, vgt, nca, afp, hsi)
    if session.get(Activity, CAMPAIGN) is None:
        campaign = service.propose(
            session,
            actor=afp,
            activity_id=CAMPAIGN,
            data=ActivityCreate(
                body_id=vgt.id,
                kind=ActivityKind.CAMPAIGN,
                code_name="Think before you share",
                title="Think before you share: a campaign for teenagers",
                summary="Illustrative awareness campaign run by the members in their countries.",
                tlp="TLP:GREEN",
                starts_on=utcnow().date() - timedelta(days=30),
                ends_on=utcnow().date() + timedelta(days=60),
                code_name_visible=True,
            ),
        )
        service.set_phase(session, actor=afp, activity_id=campaign.id, phase=Phase.ACTIVE)
        campaign.published = True
    session.flush()


def _join(session: Session, activity: Activity, lead: Actor, *members: Actor) -> None:
    for member in members:
        service.invite(
            session,
            actor=lead,
            activity_id=activity.id,
            organisation_id=member.organisation_id or "",
        )
        service.answer(session, actor=member, activity_id=activity.id, accept=True)


def _zone(session: Session, activity: Activity, actor: Actor, email: str, contact: str) -> None:
    service.update_participant(
        session,
        actor=actor,
        activity_id=activity.id,
        data=ParticipantUpdate(time_zone=ZONES[email], contact=contact),
    )


def _harbour_light(
    session: Session, settings: Settings, vgt: Body, afp: Actor, nca: Actor, hsi: Actor
) -> None:
    today = utcnow().date()
    op = service.propose(
        session,
        actor=afp,
        activity_id=HARBOUR_LIGHT,
        data=ActivityCreate(
            body_id=vgt.id,
            code_name="Harbour Light",
            title="Coordinated action against a livestreaming network (illustrative)",
            summary="Demo operation: members act on the same day against users of one "
            "illustrative network, each in its own country.",
            starts_on=today - timedelta(days=90),
            ends_on=today - timedelta(days=10),
            code_name_visible=True,
        ),
    )
    _join(session, op, afp, nca, hsi)
    for actor, email, desk in (
        (afp, AFP, "ACCCE duty desk"),
        (nca, NCA, "CEOP operations"),
        (hsi, HSI, "HSI Cyber Crimes Center"),
    ):
        _zone(session, op, actor, email, f"Demo contact: {desk}")
    service.set_phase(session, actor=afp, activity_id=op.id, phase=Phase.PLANNING)
    day = planning.add_action_day(
        session,
        actor=afp,
        activity_id=op.id,
        data=ActionDayCreate(
            label="Action day 1",
            starts_at=utcnow().replace(hour=20, minute=0, second=0, microsecond=0)
            - timedelta(days=60),
            hours=36,
        ),
    )
    planning.add_briefing(
        session,
        actor=afp,
        activity_id=op.id,
        data=BriefingCreate(
            title="Action day timing",
            text="Demo briefing: each agency acts at 06:00 local time; report figures by the "
            "end of the day, by the definitions panel.",
        ),
    )
    service.set_phase(session, actor=afp, activity_id=op.id, phase=Phase.ACTIVE)
    to_afp = referrals.send(
        session,
        actor=nca,
        activity_id=op.id,
        data=ReferralCreate.model_validate(
            {
                "receiver_organisation_id": afp.organisation_id,
                "subject_name": "Demo Person Alpha (not a real person)",
                "selectors": [{"type": "email", "value": "alpha.demo@example.org"}],
                "summary": "Illustrative: an account seen in the network resolves to Australia.",
            }
        ),
        limits=settings.operations,
    )
    referrals.conclude(
        session,
        actor=afp,
        activity_id=op.id,
        referral_id=to_afp.id,
        data=OutcomeIn(outcome=ReferralOutcome.ARRESTED, note="Demo: arrested on action day 1."),
    )
    to_nca = referrals.send(
        session,
        actor=hsi,
        activity_id=op.id,
        data=ReferralCreate.model_validate(
            {
                "receiver_organisation_id": nca.organisation_id,
                "subject_kind": "account",
                "selectors": [{"type": "username", "platform": "example", "value": "demo_bravo"}],
                "summary": "Illustrative: an account whose subscriber data points to the UK.",
            }
        ),
        limits=settings.operations,
    )
    referrals.acknowledge(session, actor=nca, activity_id=op.id, referral_id=to_nca.id)
    for actor, figures in (
        (afp, (4, 6, 19, 0, 1)),
        (nca, (7, 3, 31, 1, 1)),
        (hsi, (5, 2, 24, 1, 0)),
    ):
        results.report(
            session,
            actor=actor,
            activity_id=op.id,
            data=ResultIn(
                period=day.id,
                arrests=figures[0],
                children_safeguarded=figures[1],
                devices_seized=figures[2],
                referrals_sent=figures[3],
                referrals_received=figures[4],
            ),
        )
    service.set_phase(session, actor=afp, activity_id=op.id, phase=Phase.FOLLOW_UP)
    results.report(
        session,
        actor=nca,
        activity_id=op.id,
        data=ResultIn(period=FOLLOW_UP, arrests=2, devices_seized=5),
    )
    statement = flows.draft_results_statement(session, actor=afp, activity_id=op.id)
    _adopt_and_publish(session, vgt, statement.id, statement.title)
    service.set_phase(session, actor=afp, activity_id=op.id, phase=Phase.CLOSED)
    op.published = True


def _adopt_and_publish(session: Session, vgt: Body, statement_id: str, title: str) -> None:
    """The body's motion to adopt it, closed and carried (as the governance demo records its
    own), then published through the statement workflow."""
    now = utcnow()
    voters = sorted(bodies.voting_organisations(session, vgt.id, now.date()))
    motion = Motion(
        body_id=vgt.id,
        title=f"Adopt: {title}"[:200],
        options=["yes", "no", "abstain"],
        opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=2),
        majority=Majority.SIMPLE,
        quorum_percent=50,
        closed_at=now - timedelta(days=2),
        tally={"yes": len(voters), "no": 0, "abstain": 0},
        eligible=len(voters),
        turnout=len(voters),
        quorum_met=True,
        outcome=Outcome.CARRIED,
        winner="yes",
    )
    session.add(motion)
    session.flush()
    # the vote's record, so that turnout, the members that voted and the signatories (those
    # that voted for it) agree
    for org_id in voters:
        session.add(Participation(motion_id=motion.id, organisation_id=org_id))
        session.add(Ballot(motion_id=motion.id, option="yes", organisation_id=org_id))
    session.flush()
    statements.await_adoption(session, statement_id=statement_id, motion=motion)
    statements.adopt_by_vote(session, motion=motion)
    statements.publish(session, actor=LOADER, statement_id=statement_id)


def _northern_lantern(session: Session, vgt: Body, nca: Actor, afp: Actor, hsi: Actor) -> None:
    start = utcnow().date() + timedelta(days=21)
    op = service.propose(
        session,
        actor=nca,
        activity_id=NORTHERN_LANTERN,
        data=ActivityCreate(
            body_id=vgt.id,
            code_name="Northern Lantern",
            title="Joint action against sextortion of boys (illustrative)",
            summary="Demo operation in planning: US HSI has been invited and has not answered.",
            starts_on=start,
            ends_on=start + timedelta(days=45),
        ),
    )
    _join(session, op, nca, afp)
    service.invite(session, actor=nca, activity_id=op.id, organisation_id=hsi.organisation_id or "")
    service.set_phase(session, actor=nca, activity_id=op.id, phase=Phase.PLANNING)
    planning.add_action_day(
        session,
        actor=nca,
        activity_id=op.id,
        data=ActionDayCreate(
            label="Action day",
            starts_at=utcnow().replace(hour=5, minute=0, second=0, microsecond=0)
            + timedelta(days=28),
        ),
    )
