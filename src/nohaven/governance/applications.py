"""Applications to join a body: eligibility, review, a vote of members, admission or refusal."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nohaven.governance.models import Motion


def decide_by_vote(session: Session, *, motion: Motion) -> None:
    raise NotImplementedError
