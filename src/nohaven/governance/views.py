"""Pages of the governance domain."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.governance import (
    views_applications,
    views_meetings,
    views_motions,
    views_progress,
    views_public,
    views_statements,
)
from nohaven.web.csrf import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(views_motions.router)
router.include_router(views_meetings.router)
router.include_router(views_statements.router)
router.include_router(views_progress.router)
router.include_router(views_public.router)
router.include_router(views_applications.router)

# (label, path) links this domain adds to the main navigation.
NAV: tuple[tuple[str, str], ...] = (
    ("Meetings", "/meetings"),
    ("Motions", "/motions"),
    ("Statements", "/statements"),
    ("Progress", "/progress"),
    ("Applications", "/applications"),
)
