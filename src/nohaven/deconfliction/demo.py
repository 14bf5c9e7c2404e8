"""Demo data of the deconfliction domain (idempotent: loading twice changes nothing).

Three demo agencies (NCA, AFP, US HSI) register synthetic selectors under their cases, through
the real client code (normalise, blind, evaluate, finalise): one e-mail address is held by all
three, one wallet by NCA and AFP, and each holds selectors nobody else has. Exactly the
overlapping ones raise hits; the AFP holds the wallet in masked mode, so the NCA is not told
of that hit until the AFP reveals itself. All values are synthetic (example.org, documentation
ranges, made-up handles).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nohaven.auth import service as auth_service
from nohaven.config import Settings
from nohaven.deconfliction import client, keys, oprf
from nohaven.deconfliction.local import LocalTransport
from nohaven.deconfliction.models import Case
from nohaven.deconfliction.selectors import Selector, normalise
from nohaven.members.models import Organisation, User

SHARED_EMAIL = "shared.suspect@example.org"
SHARED_WALLET = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"

# short name, demo analyst, case reference, masked, selectors (type, value, platform)
PLAN: tuple[tuple[str, str, str, bool, tuple[tuple[str, str, str | None], ...]], ...] = (
    (
        "NCA",
        "analyst@nca.demo.nohaven.test",
        "NCA-OP-HALCYON",
        False,
        (
            ("email", SHARED_EMAIL, None),
            ("wallet", SHARED_WALLET, None),
            ("username", "@nca_only_handle", "telegram"),
            ("phone", "+44 20 7946 0958", None),
        ),
    ),
    (
        "AFP",
        "analyst@afp.demo.nohaven.test",
        "AFP-2026-0117",
        True,
        (
            ("wallet", SHARED_WALLET, None),
            ("url", "https://afp-only.example/board", None),
        ),
    ),
    (
        "AFP",
        "analyst@afp.demo.nohaven.test",
        "AFP-2026-0098",
        False,
        (("email", SHARED_EMAIL, None), ("hash", "d41d8cd98f00b204e9800998ecf8427e", None)),
    ),
    (
        "US HSI",
        "analyst@hsi.demo.nohaven.test",
        "HSI-CY-4410",
        False,
        (("email", "Shared.Suspect@Example.org", None), ("email", "hsi-only@example.org", None)),
    ),
)


def _key(settings: Settings) -> oprf.KeyPair:
    try:
        return keys.server_key(settings)
    except keys.KeyUnavailable:
        return keys.server_key(settings.model_copy(update={"demo": True}))


def load(session: Session, *, settings: Settings) -> None:
    """Add this domain's demo records; members and users are already there. The
    registrations are made with the server key ``settings`` name (the demo key without one)."""
    key = _key(settings)
    for short_name, email, reference, masked, values in PLAN:
        user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        org = session.execute(
            select(Organisation).where(Organisation.short_name == short_name)
        ).scalar_one_or_none()
        if user is None or org is None:
            continue
        exists = session.execute(
            select(Case.id).where(Case.organisation_id == org.id, Case.reference == reference)
        ).first()
        if exists:
            continue
        session.refresh(user, ["organisation"])
        actor = auth_service.actor_for(session, user)
        selectors: list[Selector] = [normalise(t, v, platform=p) for t, v, p in values]
        client.register_selectors(
            LocalTransport(session, actor, key, limits=settings.deconfliction),
            selectors=selectors,
            case_reference=reference,
            handling_code="H1",
            contact_card={"officer": f"Duty officer, {org.name}", "channel": "via liaison"},
            masked=masked,
        )
