"""Pages of the policy domain: the map, country profiles, review, gaps, progress, criteria,
import/export, the meeting report and national-response maturity."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.kit.i18n import N_
from nohaven.policy.views import analysis, importing, maturity, profiles, review
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(profiles.router)
router.include_router(review.router)
router.include_router(analysis.router)
router.include_router(importing.router)
router.include_router(maturity.router)

# (label, path) links this domain adds to the main navigation.
NAV: tuple[NavLink, ...] = (NavLink(N_("Legislative gaps"), "/policy", "Policy"),)

# What the pages show through `label` and `translated` (Status, ReviewState, and the names
# and phases of data/mnr-capabilities.json the showcase does not name already), for the
# catalogue: tests/i18n checks that every name of that file is here or in the showcase.
SHOWN_NAMES = (
    N_("met"),
    N_("partially met"),
    N_("not met"),
    N_("unknown"),
    N_("draft"),
    N_("submitted"),
    N_("approved"),
    N_("rejected"),
    N_("Offender management process"),
    N_("Reporting hotline"),
    N_("Reporting by industry"),
    N_("Innovative solutions"),
    N_("Starting"),
    N_("Developing"),
    N_("Established"),
    N_("Advanced"),
    N_("Little or nothing is in place; the need is recognised."),
    N_("Work has begun: plans, pilots or partial coverage."),
    N_("In place nationwide, resourced and working."),
    N_("Evaluated, improving and shared with others as good practice."),
)
