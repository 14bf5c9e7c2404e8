"""Pages of the travel domain: the list (sent and received), the sending form, one
notification (the receiver acknowledges and responds; the sender sees receipts, amends,
withdraws and resolves complaints), and the secretariat's points of contact.

Forms re-render with a 4xx status and a message on bad input.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.auth.policy import Action, can
from nohaven.kit.i18n import N_
from nohaven.travel.models import TravelNotification
from nohaven.travel.views import listing, notification, sending
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
# /travel/new is included before /travel/{notification_id}, which would otherwise take it.
router.include_router(listing.router)
router.include_router(sending.router)
router.include_router(notification.router)

# (label, path) links this domain adds to the main navigation.
NAV: tuple[NavLink, ...] = (
    NavLink(
        N_("Travel notifications"),
        "/travel",
        "Investigations",
        lambda a: can(a, Action.CREATE, TravelNotification),
    ),
)

# States, tiers, channels, responses and amended fields as the pages name them (through
# `label` and `translated`), for the catalogue (nohaven.travel.models).
STATE_NAMES = (
    N_("very high"),
    N_("high"),
    N_("medium"),
    N_("low"),
    N_("notice"),
    N_("diffusion"),
    N_("none"),
    N_("sent"),
    N_("withdrawn"),
    N_("purged"),
    N_("entry refused"),
    N_("monitored"),
    N_("no action"),
    N_("other"),
    N_("open"),
    N_("upheld"),
    N_("rejected"),
    N_("name"),
    N_("date of birth"),
    N_("nationality"),
    N_("passport number"),
    N_("conviction summary"),
    N_("risk tier"),
    N_("legs"),
)
