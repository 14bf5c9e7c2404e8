"""Pages of the policy domain."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.web.csrf import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

# (label, path) links this domain adds to the main navigation.
NAV: tuple[tuple[str, str], ...] = ()
