"""ORM classes of the governance domain.

Secret ballots: see the docstring of `nohaven.governance.voting` for why `Participation` and
`Ballot` carry no timestamps and no column that links them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nohaven.db import Base, UTCDateTime
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Body, Organisation


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


class GovernanceSettings(Base):
    """A body's rules of decision and of admission."""

    __tablename__ = "governance_settings"
    policy_kind: ClassVar[str] = "governance_settings"

    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), primary_key=True)
    # Share of voting members (in per cent) that must take part for a vote to count.
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50)
    majority: Mapped[str] = mapped_column(String(20), default=Majority.SIMPLE)
    # Admission: organisation kinds that may apply (empty: any kind) …
    eligible_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # … and whether an applicant must be on the register of WeProtect government members.
    requires_alliance_membership: Mapped[bool] = mapped_column(Boolean, default=False)


class AllianceMember(Base):
    """The register of WeProtect Global Alliance government members (kept by the secretariat)."""

    __tablename__ = "governance_alliance_members"
    policy_kind: ClassVar[str] = "governance_settings"

    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    since: Mapped[date] = mapped_column(Date)


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
    # What the motion decides, when it decides something the platform acts on.
    statement_id: Mapped[str | None] = mapped_column(ForeignKey("statements.id"))
    application_id: Mapped[str | None] = mapped_column(ForeignKey("membership_applications.id"))
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


# --- meetings -------------------------------------------------------------------------------


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class MinutesStatus(enum.StrEnum):
    NONE = "none"
    DRAFTED = "drafted"
    CIRCULATED = "circulated"
    APPROVED = "approved"


class Meeting(Base):
    __tablename__ = "meetings"
    policy_kind: ClassVar[str] = "meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # IANA zone the meeting is held in (zoneinfo), for display and the calendar file.
    timezone: Mapped[str] = mapped_column(String(60), default="UTC")
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.SCHEDULED)
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_status: Mapped[str] = mapped_column(String(20), default=MinutesStatus.NONE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(lazy="raise")


class Initiative(Base):
    """An existing international initiative registered to feed into a body's direction."""

    __tablename__ = "governance_initiatives"
    __table_args__ = (UniqueConstraint("body_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "initiative"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    since: Mapped[date] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class AgendaStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    policy_kind: ClassVar[str] = "agenda_item"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    proposer_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    # member, reference_group, initiative or secretariat: in which capacity it was proposed.
    proposer_capacity: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default=AgendaStatus.PROPOSED)
    position: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposer: Mapped[Organisation] = relationship(lazy="raise")
    # Loaded with every item: the policy asks for the meeting's body on each one.
    meeting: Mapped[Meeting] = relationship(lazy="joined")

    @property
    def body_id(self) -> str:
        """The body of the item's meeting, which decides who may see and manage it (the
        meeting must be loaded with the item)."""
        return self.meeting.body_id


class Attendance(Base):
    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class Decision(Base):
    __tablename__ = "meeting_decisions"
    policy_kind: ClassVar[str] = "meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    motion_id: Mapped[str | None] = mapped_column(ForeignKey("motions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ActionItem(Base):
    """Belongs to the body; an open item carries over from meeting to meeting until done."""

    __tablename__ = "action_items"
    policy_kind: ClassVar[str] = "meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[Organisation] = relationship(lazy="raise")


# --- statements -----------------------------------------------------------------------------


class StatementStatus(enum.StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"
    PUBLISHED = "published"


class Statement(Base):
    __tablename__ = "statements"
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=StatementStatus.DRAFT)
    adopted_version: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(lazy="raise")


class StatementVersion(Base):
    __tablename__ = "statement_versions"
    __table_args__ = (UniqueConstraint("statement_id", "number"),)
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatementComment(Base):
    __tablename__ = "statement_comments"
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")


class StatementSignatory(Base):
    __tablename__ = "statement_signatories"
    __table_args__ = (UniqueConstraint("statement_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "statement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))

    organisation: Mapped[Organisation] = relationship(lazy="raise")


# --- commitments and progress ---------------------------------------------------------------


class ProgressStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    OFF_TRACK = "off_track"


class MissionStatement(Base):
    __tablename__ = "mission_statements"
    policy_kind: ClassVar[str] = "mission"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    preamble: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Commitment(Base):
    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("mission_id", "number"),)
    policy_kind: ClassVar[str] = "mission"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("mission_statements.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class MissionSignature(Base):
    __tablename__ = "mission_signatures"
    __table_args__ = (UniqueConstraint("mission_id", "organisation_id"),)
    policy_kind: ClassVar[str] = "mission"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("mission_statements.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    signed_on: Mapped[date] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class ProgressReport(Base):
    __tablename__ = "progress_reports"
    __table_args__ = (UniqueConstraint("commitment_id", "organisation_id", "period"),)
    policy_kind: ClassVar[str] = "progress_report"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    commitment_id: Mapped[str] = mapped_column(ForeignKey("commitments.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    # "2026-H1" or "2026-H2": members report twice a year, in step with the meetings.
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(20))
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseStudy(Base):
    __tablename__ = "case_studies"
    policy_kind: ClassVar[str] = "case_study"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    commitments: Mapped[list[int]] = mapped_column(JSON, default=list)
    capabilities: Mapped[list[int]] = mapped_column(JSON, default=list)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


# --- membership applications ----------------------------------------------------------------


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    VOTING = "voting"
    ADMITTED = "admitted"
    REFUSED = "refused"


class MembershipApplication(Base):
    __tablename__ = "membership_applications"
    policy_kind: ClassVar[str] = "application"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    letter: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED)
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="raise")


# --- public contact -------------------------------------------------------------------------


class ContactMessage(Base):
    __tablename__ = "contact_messages"
    policy_kind: ClassVar[str] = "contact_message"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactAttempt(Base):
    """One submission of the public contact form, by a keyed hash of the sender's address:
    the per-address rate limit lives in the database, so it holds across app servers."""

    __tablename__ = "contact_attempts"
    policy_kind: ClassVar[str] = "contact_message"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def as_summary(obj: Any, *fields: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out
