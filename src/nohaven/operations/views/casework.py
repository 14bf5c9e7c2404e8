"""The casework on an operation's page: checking selectors blind, sending a referral,
reporting results and drafting the joint results statement. The page itself and the forms of
the lead and the participants are in `operation`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nohaven.auth.deps import DbSession, WebActor
from nohaven.config import app_settings
from nohaven.errors import InvalidInput
from nohaven.kit.i18n import N_, ngettext
from nohaven.operations import flows, referrals, results
from nohaven.operations.schemas import ReferralCreate, ResultIn, SelectorIn
from nohaven.operations.views.operation import Long, Short, act

router = APIRouter(include_in_schema=False)


def parse_selectors(text: str) -> list[SelectorIn]:
    """One selector a line, ``type: value`` (``username@platform: value`` for a username)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        kind, sep, value = line.partition(":")
        if not sep:
            raise InvalidInput(
                f"Line {number}: write a selector as 'type: value', e.g. 'email: a@b.org'.",
                errors=[{"field": "selectors", "message": f"line {number}"}],
            )
        kind, _at, platform = kind.strip().lower().partition("@")
        found.append(
            SelectorIn.model_validate(
                {"type": kind, "value": value.strip(), "platform": platform or None}
            )
        )
    return found


@router.post("/operations/{activity_id}/referrals/check")
def check_referral(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    selectors: Long = "",
) -> Response:
    def run() -> referrals.CheckResult:
        referrals.may_check(session, actor=actor, activity_id=activity_id)
        return referrals.check(
            session,
            actor=actor,
            activity_id=activity_id,
            selectors=parse_selectors(selectors),
            blind_check=referrals.blind_check_for(app_settings(request)),
        )

    def said(found: referrals.CheckResult) -> str:
        if not found.holder_names:
            return ngettext(
                "Checked %(count)d selector: no other participant holds it.",
                "Checked %(count)d selectors: no other participant holds them.",
                found.checked,
            ) % {"count": found.checked}
        return ngettext(
            "Checked %(count)d selector: held in deconfliction by %(names)s. They have been "
            "told; speak before acting.",
            "Checked %(count)d selectors: held in deconfliction by %(names)s. They have been "
            "told; speak before acting.",
            found.checked,
        ) % {"count": found.checked, "names": ", ".join(found.holder_names)}

    return act(request, session, actor, activity_id, run, said, anchor="#referrals")


@router.post("/operations/{activity_id}/referrals")
def send_referral(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    receiver_organisation_id: Short = "",
    subject_kind: Short = "person",
    subject_name: Short = "",
    selectors: Long = "",
    summary: Long = "",
) -> Response:
    settings = app_settings(request)

    def run() -> object:
        data = ReferralCreate(
            receiver_organisation_id=receiver_organisation_id or "-",
            subject_kind="account" if subject_kind == "account" else "person",
            subject_name=subject_name,
            selectors=parse_selectors(selectors),
            summary=summary,
        )
        return referrals.send(
            session,
            actor=actor,
            activity_id=activity_id,
            data=data,
            limits=settings.operations,
            blind_check=referrals.blind_check_if_configured(settings),
        )

    return act(request, session, actor, activity_id, run, "Referral sent.", anchor="#referrals")


@router.post("/operations/{activity_id}/results")
def report_results(
    request: Request,
    session: DbSession,
    actor: WebActor,
    activity_id: str,
    period: Short = "",
    arrests: Short = "0",
    children_safeguarded: Short = "0",
    devices_seized: Short = "0",
    referrals_sent: Short = "0",
    referrals_received: Short = "0",
) -> Response:
    data = {
        "period": period,
        "arrests": arrests or "0",
        "children_safeguarded": children_safeguarded or "0",
        "devices_seized": devices_seized or "0",
        "referrals_sent": referrals_sent or "0",
        "referrals_received": referrals_received or "0",
    }
    return act(
        request,
        session,
        actor,
        activity_id,
        lambda: results.report(
            session, actor=actor, activity_id=activity_id, data=ResultIn.model_validate(data)
        ),
        N_("Results reported."),
        anchor="#results",
    )


@router.post("/operations/{activity_id}/statement")
def draft_statement(
    request: Request, session: DbSession, actor: WebActor, activity_id: str
) -> Response:
    return act(
        request,
        session,
        actor,
        activity_id,
        lambda: flows.draft_results_statement(session, actor=actor, activity_id=activity_id),
        N_("The draft results statement is with the body's statements, for adoption."),
        anchor="#statement",
    )
