"""Applications to join a body: eligibility, review, a vote of members, admission or refusal.

Eligibility is per body (its `StandingOrders`): a list of organisation kinds that may apply
(the VGT: law-enforcement agencies; the Global Taskforce: governments and intergovernmental
organisations) and, for the Global Taskforce, the register of WeProtect government members
(`AllianceMember`). Admission goes through the members domain's service as the
system actor, so the members domain keeps its own rules (no overlapping seats)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can, get_visible_or_404, require
from nohaven.errors import Conflict, Forbidden, InvalidInput, NotFound
from nohaven.governance.applications import repository as repo
from nohaven.governance.applications.models import (
    AllianceMember,
    ApplicationStatus,
    MembershipApplication,
)
from nohaven.governance.bodies import service as bodies
from nohaven.governance.motions import service as motions
from nohaven.governance.motions.models import Motion, Outcome
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.i18n import gettext as _
from nohaven.members.models import Body, Organisation
from nohaven.notifications import service as notifications

SYSTEM = Actor.system("governance admissions")


def ineligibility(session: Session, *, body: Body, organisation: Organisation) -> list[str]:
    """Why the organisation may not apply to the body (empty: it may)."""
    rules = bodies.standing_orders_of(session, body.id)
    reasons = []
    if rules.eligible_kinds and organisation.kind not in rules.eligible_kinds:
        kinds = ", ".join(_(k.replace("_", " ")) for k in rules.eligible_kinds)
        reasons.append(
            _("%(body)s admits only these kinds of organisation: %(kinds)s.")
            % {"body": body.name, "kinds": kinds}
        )
    if rules.requires_alliance_membership and session.get(AllianceMember, organisation.id) is None:
        reasons.append(
            _("%(body)s admits only governments that are members of the WeProtect Global Alliance.")
            % {"body": body.name}
        )
    seats = bodies.seats(session, body.id, on=utcnow().date())
    if any(m.organisation_id == organisation.id for m in seats):
        reasons.append(_("Your organisation already holds a seat in this body."))
    if repo.pending(session, body_id=body.id, organisation_id=organisation.id):
        reasons.append(_("An application of your organisation is already under way."))
    return reasons


def apply(session: Session, *, actor: Actor, body_id: str, letter: str) -> MembershipApplication:
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound(N_("No such body."))
    if actor.organisation_id is None:
        raise Forbidden(N_("Applications are made on behalf of an organisation."))
    application = MembershipApplication(
        body_id=body.id, organisation_id=actor.organisation_id, letter=letter.strip()
    )
    require(actor, Action.CREATE, application)
    organisation = session.get(Organisation, actor.organisation_id)
    if organisation is None:  # pragma: no cover - the actor's organisation exists
        raise NotFound(N_("No such organisation."))
    reasons = ineligibility(session, body=body, organisation=organisation)
    if reasons:
        raise InvalidInput(
            " ".join(reasons), errors=[{"field": "body_id", "message": r} for r in reasons]
        )
    session.add(application)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="application.submit",
        resource_type="application",
        resource_id=application.id,
        organisation_id=organisation.id,
        summary={"body_id": body.id},
    )
    for org_id in bodies.secretariat_organisations(session, body):
        notifications.notify(
            session,
            actor=actor,
            organisation_id=org_id,
            kind="governance.application",
            title=f"Application to join {body.name}",
            link=f"/applications/{application.id}",
        )
    return application


def get_application(
    session: Session, *, actor: Actor, application_id: str
) -> MembershipApplication:
    return get_visible_or_404(session, actor, MembershipApplication, application_id)


def list_applications(session: Session, *, actor: Actor) -> list[MembershipApplication]:
    require(actor, Action.LIST, MembershipApplication)
    return [a for a in repo.applications(session) if can(actor, Action.READ, a)]


def put_to_vote(
    session: Session, *, actor: Actor, application_id: str, closes_at: datetime | None = None
) -> Motion:
    application = get_application(session, actor=actor, application_id=application_id)
    require(actor, Action.MANAGE, application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(N_("Only a submitted application is put to a vote."))
    body = session.get(Body, application.body_id)
    organisation = session.get(Organisation, application.organisation_id)
    if body is None or organisation is None:  # pragma: no cover - foreign keys
        raise NotFound(N_("No such body or organisation."))
    motion = motions.create_motion(
        session,
        actor=actor,
        body_id=body.id,
        title=f"Admit {organisation.name} to {body.name}",
        text=application.letter,
        closes_at=closes_at or utcnow() + timedelta(days=14),
    )
    application.motion_id = motion.id
    application.status = ApplicationStatus.VOTING
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="application.vote",
        resource_type="application",
        resource_id=application.id,
        organisation_id=application.organisation_id,
        summary={"motion_id": motion.id},
    )
    return motion


def refuse(
    session: Session, *, actor: Actor, application_id: str, reasons: str
) -> MembershipApplication:
    """Refusal on review, before any vote: the reasons are required and go to the applicant."""
    application = get_application(session, actor=actor, application_id=application_id)
    require(actor, Action.MANAGE, application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(N_("Only a submitted application is refused on review."))
    if not reasons.strip():
        raise InvalidInput(
            "Give the reasons for a refusal.", errors=[{"field": "reasons", "message": "required"}]
        )
    _decide(session, application, admitted=False, reasons=reasons.strip(), actor=actor)
    return application


def application_of_motion(session: Session, motion_id: str) -> MembershipApplication | None:
    return repo.of_motion(session, motion_id)


def decide_by_vote(session: Session, *, motion: Motion) -> None:
    """Called when a motion on an application closes."""
    application = application_of_motion(session, motion.id)
    if application is None or application.status != ApplicationStatus.VOTING:
        return
    if motion.outcome == Outcome.CARRIED:
        _decide(
            session,
            application,
            admitted=True,
            reasons="Admitted by a vote of the members.",
            actor=SYSTEM,
        )
    else:
        why = (
            "the quorum was not met" if motion.outcome == Outcome.NO_QUORUM else "it did not carry"
        )
        _decide(
            session,
            application,
            admitted=False,
            reasons=f"The members' vote on the admission did not admit the applicant: {why}.",
            actor=SYSTEM,
        )


def _decide(
    session: Session,
    application: MembershipApplication,
    *,
    admitted: bool,
    reasons: str,
    actor: Actor,
) -> None:
    if admitted:
        bodies.admit(
            session,
            actor=SYSTEM,
            body_id=application.body_id,
            organisation_id=application.organisation_id,
            note="Admitted on application",
        )
    application.status = ApplicationStatus.ADMITTED if admitted else ApplicationStatus.REFUSED
    application.reasons = reasons
    application.decided_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="application.admit" if admitted else "application.refuse",
        resource_type="application",
        resource_id=application.id,
        organisation_id=application.organisation_id,
    )
    body = session.get(Body, application.body_id)
    notifications.notify(
        session,
        actor=actor,
        organisation_id=application.organisation_id,
        kind="governance.application",
        title=f"Your application to {body.name if body else 'the body'} was "
        + ("accepted" if admitted else "refused"),
        link=f"/applications/{application.id}",
    )


def register_alliance_member(
    session: Session, *, actor: Actor, organisation_id: str, since: date | None = None
) -> AllianceMember:
    row = AllianceMember(organisation_id=organisation_id, since=since or utcnow().date())
    require(actor, Action.UPDATE, row)
    if session.get(Organisation, organisation_id) is None:
        raise InvalidInput(N_("No such organisation."))
    if session.get(AllianceMember, organisation_id) is not None:
        raise Conflict(N_("Already on the register."))
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="alliance_member.register",
        resource_type="organisation",
        resource_id=organisation_id,
        organisation_id=organisation_id,
    )
    return row


def motion_of(
    session: Session, *, actor: Actor, application: MembershipApplication
) -> Motion | None:
    """The members' vote on the application, when the actor may see it."""
    if application.motion_id is None:
        return None
    return motions.visible_motions(session, actor=actor, ids=[application.motion_id]).get(
        application.motion_id
    )


def organisation_of(session: Session, actor: Actor) -> Organisation | None:
    return session.get(Organisation, actor.organisation_id) if actor.organisation_id else None


def applicant(session: Session, application: MembershipApplication) -> Organisation | None:
    return session.get(Organisation, application.organisation_id)


def alliance_bodies(session: Session) -> list[Body]:
    """The bodies an organisation applies to (the Alliance's own, not reference groups)."""
    return repo.alliance_bodies(session)
