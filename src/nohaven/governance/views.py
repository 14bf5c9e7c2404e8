"""Pages of the governance domain: each room's router."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.governance.applications import views as applications
from nohaven.governance.bodies import views as bodies
from nohaven.governance.meetings import moving
from nohaven.governance.meetings import views as meetings
from nohaven.governance.motions import views as motions
from nohaven.governance.progress import views as progress
from nohaven.governance.public import queue_views
from nohaven.governance.public import views as public
from nohaven.governance.statements import views as statements
from nohaven.kit.i18n import N_
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
for room in (
    motions,
    meetings,
    moving,
    statements,
    progress,
    public,
    queue_views,
    applications,
    bodies,
):
    router.include_router(room.router)

# (label, path) links this domain adds to the main navigation.
NAV: tuple[NavLink, ...] = (
    NavLink(N_("Meetings"), "/meetings", "Governance"),
    NavLink(N_("Motions"), "/motions", "Governance"),
    NavLink(N_("Statements"), "/statements", "Governance"),
    NavLink(N_("Progress"), "/progress", "Governance"),
    NavLink(N_("Applications"), "/applications", "Governance"),
    NavLink(N_("Contact messages"), "/contact-messages", "Governance", queue_views.works_the_queue),
)

# The states and kinds the governance pages show through the `label` and `translated`
# filters, for the catalogue (the StrEnums of each room's models).
STATE_NAMES = (
    # meetings: MeetingStatus, MinutesStatus, AgendaStatus, ActionStatus
    N_("scheduled"),
    N_("held"),
    N_("cancelled"),
    N_("none"),
    N_("drafted"),
    N_("circulated"),
    N_("approved"),
    N_("proposed"),
    N_("accepted"),
    N_("declined"),
    N_("officer"),
    N_("initiative"),
    N_("open"),
    N_("done"),
    N_("dropped"),
    # motions: Majority, Outcome, votes
    N_("simple"),
    N_("two thirds"),
    N_("consensus"),
    N_("carried"),
    N_("not carried"),
    N_("no quorum"),
    N_("yes"),
    N_("no"),
    N_("abstain"),
    # applications: ApplicationStatus
    N_("submitted"),
    N_("voting"),
    N_("admitted"),
    N_("refused"),
    # progress: ProgressStatus
    N_("not started"),
    N_("in progress"),
    N_("achieved"),
    N_("off track"),
    # statements: StatementStatus
    N_("draft"),
    N_("adopted"),
    N_("published"),
)
