"""Pages of the operations domain: each body's programme (a timeline), one operation as its
lead, a participant or an invitee sees it, one referral (its sender and receiver only), and
a body's published programme for anyone.

Every page that posts goes through `nohaven.web.forms.form_action`; a refused form shows the
page again with the reason and a 4xx.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from nohaven.kit.i18n import N_
from nohaven.operations.views import casework, operation, programme, referral
from nohaven.web.csrf import check_csrf
from nohaven.web.nav import NavLink

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
# Referral pages (/operations/{id}/referrals/{rid}) are matched before the operation's own.
router.include_router(programme.router)
router.include_router(referral.router)
router.include_router(operation.router)
router.include_router(casework.router)

# (label, path) links this domain adds to the main navigation.
NAV: tuple[NavLink, ...] = (NavLink(N_("Operations"), "/operations", "Investigations"),)

# Kinds, phases and states as the pages name them (through `label` and `translated`), for the
# catalogue (nohaven.operations.models).
STATE_NAMES = (
    N_("operation"),
    N_("campaign"),
    N_("product"),
    N_("proposed"),
    N_("planning"),
    N_("active"),
    N_("follow up"),
    N_("closed"),
    N_("invited"),
    N_("accepted"),
    N_("declined"),
    N_("sent"),
    N_("acknowledged"),
    N_("concluded"),
    N_("purged"),
    N_("arrested"),
    N_("children safeguarded"),
    N_("under investigation"),
    N_("not identified"),
    N_("no further action"),
)
