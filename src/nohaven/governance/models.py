"""Every table of the governance domain, for the schema's metadata (each room defines its own
in its ``models``; import them from there)."""

from __future__ import annotations

from nohaven.governance.applications.models import (
    AllianceMember,
    ApplicationStatus,
    MembershipApplication,
)
from nohaven.governance.bodies.models import StandingOrders
from nohaven.governance.meetings.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaStatus,
    Attendance,
    Decision,
    Initiative,
    Meeting,
    MeetingStatus,
    MinutesStatus,
)
from nohaven.governance.motions.models import (
    ABSTAIN,
    DEFAULT_OPTIONS,
    Ballot,
    Majority,
    Motion,
    Outcome,
    Participation,
)
from nohaven.governance.progress.models import (
    CaseStudy,
    Commitment,
    MissionSignature,
    MissionStatement,
    ProgressReport,
    ProgressStatus,
)
from nohaven.governance.public.models import ContactAttempt, ContactMessage, sealed_columns
from nohaven.governance.statements.models import (
    Statement,
    StatementComment,
    StatementSignatory,
    StatementStatus,
    StatementVersion,
)

__all__ = [
    "ABSTAIN",
    "DEFAULT_OPTIONS",
    "ActionItem",
    "ActionStatus",
    "AgendaItem",
    "AgendaStatus",
    "AllianceMember",
    "ApplicationStatus",
    "Attendance",
    "Ballot",
    "CaseStudy",
    "Commitment",
    "ContactAttempt",
    "ContactMessage",
    "Decision",
    "Initiative",
    "Majority",
    "Meeting",
    "MeetingStatus",
    "MembershipApplication",
    "MinutesStatus",
    "MissionSignature",
    "MissionStatement",
    "Motion",
    "Outcome",
    "Participation",
    "ProgressReport",
    "ProgressStatus",
    "StandingOrders",
    "Statement",
    "StatementComment",
    "StatementSignatory",
    "StatementStatus",
    "StatementVersion",
    "sealed_columns",
]
