"""The kinds of notice, in people's words, and how urgent each is.

A kind is the key a domain passes to ``notify`` ("travel.notification"). This table gives each
one the words the inbox and e-mails show, a summary for a group of them ("18 assessments
approved"), the delivery a person gets unless they choose otherwise, and whether the people
designated for its area can turn e-mail off at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from nohaven.kit.i18n import N_
from nohaven.notifications.models import Delivery


@dataclass(frozen=True)
class Kind:
    key: str
    # What one notice of this kind is, as a person says it.
    label: str
    # A group of them: "{n} assessments approved".
    many: str
    default: Delivery = Delivery.INBOX
    # The area whose designated contacts receive it ("travel", "deconfliction"), if any.
    area: str | None = None
    # Urgent for officer safety or a deadline: always e-mailed at once to the designated
    # contacts, who cannot turn it off.
    mandatory: bool = False

    def summary(self, count: int) -> str:
        return self.label if count == 1 else self.many.format(n=count)


IMMEDIATE, DIGEST = Delivery.IMMEDIATE, Delivery.DIGEST

KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        # travel notifications: a receiving agency has hours, not days
        Kind(
            "travel.notification",
            N_("Travel notification to acknowledge"),
            "{n} travel notifications to acknowledge",
            IMMEDIATE,
            "travel",
            mandatory=True,
        ),
        Kind(
            "travel.escalation",
            N_("Overdue travel notification escalated"),
            "{n} overdue travel notifications escalated",
            IMMEDIATE,
            "travel",
            mandatory=True,
        ),
        Kind(
            "travel.acknowledged",
            N_("Travel notification acknowledged"),
            "{n} travel notifications acknowledged",
            DIGEST,
            "travel",
        ),
        Kind(
            "travel.response",
            N_("Response to a travel notification"),
            "{n} responses to travel notifications",
            IMMEDIATE,
            "travel",
        ),
        Kind(
            "travel.amended",
            N_("Travel notification amended"),
            "{n} travel notifications amended",
            IMMEDIATE,
            "travel",
        ),
        Kind(
            "travel.withdrawn",
            N_("Travel notification withdrawn"),
            "{n} travel notifications withdrawn",
            IMMEDIATE,
            "travel",
        ),
        Kind(
            "travel.complaint",
            N_("Complaint about a travel notification"),
            "{n} complaints",
            DIGEST,
        ),
        Kind(
            "travel.complaint_resolved",
            N_("Complaint about a travel notification decided"),
            "{n} complaints decided",
            DIGEST,
        ),
        # deconfliction: two agencies on one target is an officer-safety matter
        Kind(
            "deconfliction.hit",
            N_("Deconfliction hits to review"),
            "{n} notices of deconfliction hits to review",
            IMMEDIATE,
            "deconfliction",
            mandatory=True,
        ),
        Kind(
            "deconfliction.ratio_flag",
            N_("Unusual deconfliction hit ratio"),
            "{n} unusual deconfliction hit ratios",
            IMMEDIATE,
        ),
        Kind(
            "deconfliction.rekey",
            N_("Deconfliction key rotated"),
            "{n} deconfliction key rotations",
            IMMEDIATE,
            "deconfliction",
        ),
        # hash lists
        Kind(
            "hashes.dispute", N_("Classification disputed"), "{n} classifications disputed", DIGEST
        ),
        Kind("hashes.feedback", N_("Match feedback"), "{n} match feedback notices", DIGEST),
        Kind(
            "hashes.quarantine",
            N_("Entry quarantined after a flood of matches"),
            "{n} entries quarantined after floods of matches",
            IMMEDIATE,
        ),
        # governance
        Kind(
            "governance.meeting.invitation",
            N_("Meeting invitation"),
            "{n} meeting invitations",
            IMMEDIATE,
        ),
        Kind(
            "governance.meeting.updated",
            N_("Meeting changed"),
            "{n} meetings changed",
            IMMEDIATE,
        ),
        Kind(
            "governance.meeting.cancelled",
            N_("Meeting cancelled"),
            "{n} meetings cancelled",
            IMMEDIATE,
        ),
        Kind("governance.minutes", N_("Draft minutes circulated"), "{n} draft minutes circulated"),
        Kind(
            "governance.application",
            N_("Application to join a body"),
            "{n} applications to join a body",
            DIGEST,
        ),
        Kind(
            "governance.contact",
            N_("Message through a public page"),
            "{n} messages through public pages",
            DIGEST,
        ),
        Kind(
            "governance.motion.opened",
            N_("Motion open for votes"),
            "{n} motions open for votes",
            IMMEDIATE,
        ),
        Kind("governance.motion.closed", N_("Motion closed"), "{n} motions closed", DIGEST),
        Kind("hashes.list.changed", N_("Sharing of a hash list changed"), "{n} hash lists changed"),
        # the map of legislation
        Kind("policy.assessment.approved", N_("Assessment approved"), "{n} assessments approved"),
        Kind("policy.assessment.rejected", N_("Assessment returned"), "{n} assessments returned"),
        Kind(
            "policy.assessment.submitted",
            N_("Assessment to review"),
            "{n} assessments to review",
            DIGEST,
        ),
        # coordinated operations: a referral or an invitation waits on the receiving agency
        Kind(
            "operations.invitation",
            N_("Invitation to a joint operation"),
            "{n} invitations to joint operations",
            IMMEDIATE,
        ),
        Kind(
            "operations.referral",
            N_("Referral in a joint operation"),
            "{n} referrals in joint operations",
            IMMEDIATE,
        ),
        Kind(
            "operations.escalation",
            N_("Overdue referral escalated"),
            "{n} overdue referrals escalated",
            IMMEDIATE,
        ),
        Kind(
            "operations.deconfliction",
            N_("A participant holds the same target"),
            "{n} participants hold the same targets",
            IMMEDIATE,
        ),
        Kind("operations.phase", N_("Operation moved on"), "{n} operations moved on", DIGEST),
        Kind(
            "operations.answer", N_("Answer to an invitation"), "{n} answers to invitations", DIGEST
        ),
        Kind("operations.action_day", N_("Action day set"), "{n} action days set", DIGEST),
        Kind("operations.briefing", N_("New briefing"), "{n} new briefings", DIGEST),
        Kind("operations.result", N_("Results reported"), "{n} results reported", DIGEST),
        Kind(
            "operations.statement",
            N_("Draft results statement"),
            "{n} draft results statements",
            DIGEST,
        ),
        # webhooks: an endpoint that stopped receiving is the admins' to mend
        Kind(
            "webhooks.paused",
            N_("Webhook endpoint paused after failures"),
            "{n} webhook endpoints paused",
            IMMEDIATE,
        ),
    )
}


def kind_of(key: str) -> Kind:
    """The kind's words, or plain ones made from the key for a kind not in the table yet."""
    found = KINDS.get(key)
    if found is not None:
        return found
    words = key.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    return Kind(key, words, f"{{n}} notices: {words.lower()}")


def mandatory_areas() -> dict[str, set[str]]:
    """Area -> the kinds its designated contacts cannot turn off."""
    areas: dict[str, set[str]] = {}
    for kind in KINDS.values():
        if kind.mandatory and kind.area:
            areas.setdefault(kind.area, set()).add(kind.key)
    return areas


AREAS: dict[str, str] = {
    "travel": "Travel notifications",
    "deconfliction": "Deconfliction",
}
