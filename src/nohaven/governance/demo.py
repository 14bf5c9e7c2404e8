"""Demo data of the governance domain (idempotent: loading twice changes nothing).

All texts are short illustrations written for the demo, not the bodies' real documents; each
room loads its own part."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.governance.bodies import demo as bodies
from nohaven.governance.meetings import demo as meetings
from nohaven.governance.progress import demo as progress
from nohaven.governance.statements import demo as statements
from nohaven.members.models import Body


def _body(session: Session, slug: str) -> Body | None:
    return session.scalar(select(Body).where(Body.slug == slug))


def load(session: Session) -> None:
    """Add this domain's demo records; members and users are already there."""
    vgt = _body(session, "vgt")
    gtf = _body(session, "global-taskforce")
    if vgt is None or gtf is None:
        return
    bodies.load(session, vgt, gtf)
    meetings.load(session, vgt, gtf)
    statements.load(session, vgt, gtf)
    progress.load(session, gtf)
    session.flush()
