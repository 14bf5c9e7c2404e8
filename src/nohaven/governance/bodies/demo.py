"""Demo standing orders of the two bodies, the WeProtect register and the registered initiatives."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.governance.applications.models import AllianceMember
from nohaven.governance.bodies import service as bodies
from nohaven.governance.bodies.models import StandingOrders
from nohaven.governance.meetings.models import Initiative
from nohaven.governance.motions.models import Majority
from nohaven.kit.clock import utcnow
from nohaven.members.models import Body, Organisation, OrganisationKind


def _org(session: Session, short: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.short_name == short))


def load(session: Session, vgt: Body, gtf: Body) -> None:
    _standing_orders(session, vgt, gtf)
    _initiatives(session, gtf)


def _standing_orders(session: Session, vgt: Body, gtf: Body) -> None:
    if session.get(StandingOrders, vgt.id) is None:
        session.add(
            StandingOrders(
                body_id=vgt.id,
                quorum_percent=50,
                majority=Majority.SIMPLE,
                eligible_kinds=[OrganisationKind.LAW_ENFORCEMENT.value],
                requires_alliance_membership=False,
            )
        )
    if session.get(StandingOrders, gtf.id) is None:
        session.add(
            StandingOrders(
                body_id=gtf.id,
                quorum_percent=50,
                majority=Majority.SIMPLE,
                eligible_kinds=[
                    OrganisationKind.GOVERNMENT.value,
                    OrganisationKind.INTERGOVERNMENTAL.value,
                ],
                requires_alliance_membership=True,
            )
        )
    session.flush()
    # The WeProtect register: every government that sits in the Global Taskforce today, plus
    # two that have not joined it, so an application can be shown.
    for org_id in bodies.voting_organisations(session, gtf.id, utcnow().date()):
        if session.get(AllianceMember, org_id) is None:
            session.add(AllianceMember(organisation_id=org_id, since=date(2022, 6, 1)))
    session.flush()


def _initiatives(session: Session, gtf: Body) -> None:
    for short in ("FCM", "EC", "AU", "ASEAN", "G7"):
        org = _org(session, short)
        if org is None:
            continue
        exists = session.scalar(
            select(Initiative.id).where(
                Initiative.body_id == gtf.id, Initiative.organisation_id == org.id
            )
        )
        if not exists:
            session.add(
                Initiative(body_id=gtf.id, organisation_id=org.id, since=date(2022, 10, 11))
            )
    session.flush()
