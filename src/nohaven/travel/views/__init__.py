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
