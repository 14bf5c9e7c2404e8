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
