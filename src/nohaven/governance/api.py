"""JSON API of the governance domain (mounted under /api/v1): each room's router."""

from __future__ import annotations

from fastapi import APIRouter

from nohaven.governance.applications import api as applications
from nohaven.governance.bodies import api as bodies
from nohaven.governance.meetings import api as meetings
from nohaven.governance.motions import api as motions
from nohaven.governance.progress import api as progress
from nohaven.governance.public import api as public
from nohaven.governance.statements import api as statements

router = APIRouter()
for room in (bodies, motions, meetings, statements, progress, applications, public):
    router.include_router(room.router)
