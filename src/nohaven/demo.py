"""Loading the demo data of every domain, once: a second load changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.deconfliction import demo as deconfliction_demo
from nohaven.governance import demo as governance_demo
from nohaven.hashes import demo as hashes_demo
from nohaven.members import demo as members_demo
from nohaven.members.models import Body
from nohaven.operations import demo as operations_demo
from nohaven.policy import demo as policy_demo
from nohaven.travel import demo as travel_demo


def load_demo(session: Session, *, settings: Settings) -> bool:
    """Load the demo data; returns False when it was already there."""
    first = session.execute(select(Body.id).where(Body.slug == members_demo.VGT)).first() is None
    # Members and users first: every other domain's records belong to them.
    members_demo.load(session, settings=settings)
    hashes_demo.load(session)
    deconfliction_demo.load(session, settings=settings)
    travel_demo.load(session, late_hours=settings.travel_late_hours)
    governance_demo.load(session)
    policy_demo.load(session)
    operations_demo.load(session, settings=settings)
    if first:
        audit.record(
            session,
            actor=Actor.system("demo loader"),
            action="demo.load",
            resource_type="system",
            summary={"bodies": 5},
        )
    return first
