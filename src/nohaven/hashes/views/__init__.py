"""Pages of the hashes domain: lists, entries with votes and feedback, sightings, lookup,
import."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.auth.actor import Actor
from nohaven.auth.policy import Action, can
from nohaven.hashes.models import HashList
from nohaven.hashes.views import entries, lists, lookup, quarantine
from nohaven.kit.i18n import N_
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
router.include_router(lists.router)
router.include_router(entries.router)
router.include_router(lookup.router)
router.include_router(quarantine.router)


# (label, path) links this domain adds to the main navigation.
def _holds_lists(actor: Actor) -> bool:
    return can(actor, Action.CREATE, HashList)


NAV: tuple[NavLink, ...] = (
    NavLink(N_("Hash lists"), "/hash-lists", "Investigations", _holds_lists),
    NavLink(N_("Hash lookup"), "/hash-lookup", "Investigations", _holds_lists),
)


# Verdicts and mapping states the hash pages show through `translated` (VoteVerdict,
# FeedbackVerdict, classification.Mapping.status), for the catalogue.
VERDICT_NAMES = (
    N_("confirm"),
    N_("dispute"),
    N_("true positive"),
    N_("false positive"),
    N_("exact"),
    N_("ambiguous"),
)
