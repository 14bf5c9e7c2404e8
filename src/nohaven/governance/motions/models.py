"""ORM classes of motions and votes.

Secret ballots: see `nohaven.governance.motions` for why `Participation` and `Ballot` carry no
timestamps and no column that links them.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Body


class Majority(enum.StrEnum):
    SIMPLE = "simple"
    TWO_THIRDS = "two_thirds"
    CONSENSUS = "consensus"


class Outcome(enum.StrEnum):
    CARRIED = "carried"
    NOT_CARRIED = "not_carried"
    NO_QUORUM = "no_quorum"


ABSTAIN = "abstain"


DEFAULT_OPTIONS = ("yes", "no", ABSTAIN)


class Motion(Base):
    __tablename__ = "motions"
    policy_kind: ClassVar[str] = "motion"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[str]] = mapped_column(JSON)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    # The body's rules when the motion was tabled: later changes do not move the goalposts.
    majority: Mapped[str] = mapped_column(String(20))
    quorum_percent: Mapped[int] = mapped_column(Integer)
    proposed_by_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The result, recorded once at close.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tally: Mapped[dict[str, int] | None] = mapped_column(JSON)
    eligible: Mapped[int | None] = mapped_column(Integer)
    turnout: Mapped[int | None] = mapped_column(Integer)
    quorum_met: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(20))
    winner: Mapped[str | None] = mapped_column(String(80))

    body: Mapped[Body] = relationship(lazy="raise")

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and self.opens_at <= now < self.closes_at


class Participation(Base):
    """That an organisation voted on a motion. No time, no link to its ballot."""

    __tablename__ = "motion_participations"
    __table_args__ = (UniqueConstraint("motion_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "motion"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    motion_id: Mapped[str] = mapped_column(ForeignKey("motions.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))


class Ballot(Base):
    """One vote. For an open motion it names its organisation; for a secret one it does not,
    and only the hash of the voter's receipt finds it again."""

    __tablename__ = "motion_ballots"
    # No rowid on SQLite: rows sit in the order of their random ids, not of their insertion.
    __table_args__ = (
        UniqueConstraint("motion_id", "organisation_id"),
        {"sqlite_with_rowid": False},
    )
    policy_kind: ClassVar[str] = "motion"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    motion_id: Mapped[str] = mapped_column(ForeignKey("motions.id"), index=True)
    option: Mapped[str] = mapped_column(String(80))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
