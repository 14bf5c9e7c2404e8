"""Pages of the hashes domain: lists, entries with votes and feedback, sightings, lookup,
import."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.hashes.views import entries, lists, lookup
from nohaven.kit.i18n import N_
from nohaven.web.csrf import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(lists.router)
router.include_router(entries.router)
router.include_router(lookup.router)

# (label, path) links this domain adds to the main navigation.
NAV: tuple[tuple[str, str], ...] = ((N_("Hash lists"), "/hash-lists"),)
