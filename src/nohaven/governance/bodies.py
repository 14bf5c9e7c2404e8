"""Finding a body by id or slug, for the other modules of this domain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.errors import NotFound
from nohaven.members.models import Body


def body_by_ref(session: Session, ref: str) -> Body:
    """Without a policy check: public pages and internal steps use it."""
    body = session.get(Body, ref) or session.scalar(select(Body).where(Body.slug == ref))
    if body is None:
        raise NotFound("No such body.")
    return body


def visible_body_ids(actor: Actor) -> set[str] | None:
    """The bodies whose governance records the actor reads; None means all of them."""
    if actor.is_secretariat:
        return None
    return set(actor.body_roles)
