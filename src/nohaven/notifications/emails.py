"""What each kind of e-mail says, in the recipient's language.

A message is written into the outbox with the name of its wording and the few values it needs
(``OutboxMessage.params``: a kind's key, a count, a number of minutes — never content), and
worded when it is sent: in the language the recipient chose on their profile, else the
deployment's default (``settings.default_language``), through the same gettext catalogues as
the pages. Sending late is the point: a person who changes language before the job runs gets
the message in the new one, and a message written by a French sender to a Spanish recipient is
in Spanish. The English subject and text stored beside the wording are what the secretariat's
mail log shows, and what is sent for a message that has no wording (written before this).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nohaven.kit.i18n import N_, speaking
from nohaven.kit.i18n import gettext as _
from nohaven.notifications.kinds import kind_of


@dataclass(frozen=True)
class Worded:
    subject: str
    text: str


def _label(params: Mapping[str, Any]) -> str:
    return _(kind_of(str(params.get("kind", ""))).label)


def _notice(params: Mapping[str, Any]) -> Worded:
    label = _label(params)
    return Worded(
        _("nohaven: %(label)s") % {"label": label},
        _("You have a new notice on nohaven: %(label)s.") % {"label": label}
        + "\n\n"
        + _("Open it on the platform:"),
    )


def _calendar(params: Mapping[str, Any]) -> Worded:
    label = _label(params)
    return Worded(
        _("nohaven: %(label)s") % {"label": label},
        _("%(label)s: the calendar entry is attached.") % {"label": label}
        + "\n\n"
        + _("Details on the platform:"),
    )


def _digest(params: Mapping[str, Any]) -> Worded:
    counts: Mapping[str, int] = params.get("counts", {})
    lines = [
        "- " + _("%(label)s: %(count)s") % {"label": _(kind_of(k).label), "count": n}
        for k, n in counts.items()
    ]
    total = sum(counts.values())
    return Worded(
        _("nohaven: your daily digest (%(count)s notices)") % {"count": total},
        _("Since your last digest:")
        + "\n\n"
        + "\n".join(lines)
        + "\n\n"
        + _("Read them in your inbox:"),
    )


def _password_reset(params: Mapping[str, Any]) -> Worded:
    return Worded(
        _("nohaven: reset your password"),
        _(
            "Someone asked to reset the password of your nohaven account. If it was you, "
            "choose a new password within %(minutes)s minutes at the address below; the link "
            "works once. If it was not you, ignore this message: your password stays as it is."
        )
        % {"minutes": params.get("minutes", "")},
    )


def _invitation(params: Mapping[str, Any]) -> Worded:
    return Worded(
        _("nohaven: you are invited to join"),
        _(
            "You are invited to open an account on nohaven. Follow the link below to choose "
            "your password; it works once, for %(days)s days. If you did not expect this, "
            "ignore this message."
        )
        % {"days": params.get("days", "")},
    )


WORDINGS: dict[str, Callable[[Mapping[str, Any]], Worded]] = {
    "notice": _notice,
    "calendar": _calendar,
    "digest": _digest,
    "password_reset": _password_reset,
    "invitation": _invitation,
}

SIGN_OFF_SOURCE = N_(
    "You receive this because of your account on nohaven. The details are only on the "
    "platform: the link asks you to sign in.\n"
    "To change which notices reach you by e-mail, open Account > Notices."
)


def word(params: Mapping[str, Any] | None, *, language: str) -> tuple[Worded, str] | None:
    """The subject and text in ``language``, with the sign-off; None without a wording."""
    if not params or params.get("wording") not in WORDINGS:
        return None
    with speaking(language):
        worded = WORDINGS[str(params["wording"])](params)
        return worded, _(SIGN_OFF_SOURCE)
