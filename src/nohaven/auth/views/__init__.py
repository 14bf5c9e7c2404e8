"""Pages of the auth domain: login with a second factor, enrolment, logout, API tokens, the
person's own account."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.auth.oidc import settings_views as oidc_settings_views
from nohaven.auth.oidc import views as oidc_views
from nohaven.auth.views import account, login, password_reset
from nohaven.kit.i18n import N_
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink

NAV: tuple[NavLink, ...] = (NavLink(N_("API tokens"), "/tokens", "Administration"),)

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(login.router)
router.include_router(account.router)
router.include_router(password_reset.router)
router.include_router(oidc_views.router)
router.include_router(oidc_settings_views.router)
