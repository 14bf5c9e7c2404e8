"""Loading the demo data of every domain, once: a second load changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.domains import domain_modules
from nohaven.members import demo as members_demo
from nohaven.members.models import Body


def load_demo(session: Session, *, settings: Settings) -> bool:
    """Load the demo data; returns False when it was already there."""
    first = session.execute(select(Body.id).where(Body.slug == members_demo.VGT)).first() is None
    members_demo.load(session, settings=settings)
    for module in domain_modules("demo"):
        if module is not members_demo:
            module.load(session)
    if first:
        audit.record(
            session,
            actor=Actor.system("demo loader"),
            action="demo.load",
            resource_type="system",
            summary={"bodies": 5},
        )
    return first
