"""Pages of the members domain: directory, bodies, organisations, users and
invitations."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.auth.policy import Action, can
from nohaven.kit.i18n import N_
from nohaven.members.models import User
from nohaven.members.views import directory, users
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink

NAV: tuple[NavLink, ...] = (
    NavLink(N_("Directory"), "/directory", "Alliance"),
    NavLink(N_("Organisations"), "/organisations", "Alliance"),
    NavLink(N_("Users"), "/users", "Administration", lambda a: can(a, Action.LIST, User)),
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(directory.router)
router.include_router(users.router)
