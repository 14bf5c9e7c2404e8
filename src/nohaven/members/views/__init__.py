"""Pages of the members domain: dashboard, directory, bodies, organisations, users and
invitations."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.members.views import directory, users
from nohaven.web.csrf import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(directory.router)
router.include_router(users.router)
