"""JSON API of the deconfliction domain."""

from __future__ import annotations

import base64
import binascii
import logging

from fastapi import APIRouter

from nohaven.auth.deps import ApiActor, DbSession
from nohaven.auth.policy import Action, require
from nohaven.config import AppSettings
from nohaven.deconfliction import cases as case_service
from nohaven.deconfliction import hits as hit_service
from nohaven.deconfliction import quotas, service
from nohaven.deconfliction.keys import server_key
from nohaven.deconfliction.models import Registration
from nohaven.deconfliction.schemas import (
    CaseOut,
    CounterpartOut,
    CountOut,
    EvaluateRequest,
    EvaluateResponse,
    HitOut,
    OutcomeIn,
    OwnSide,
    RegistrationRequest,
    RegistrationResponse,
)
from nohaven.errors import InvalidInput, TooManyRequests
from nohaven.transactions import writes

router = APIRouter(prefix="/deconfliction", tags=["deconfliction"])
log = logging.getLogger(__name__)


def _decode_elements(encoded: list[str]) -> list[bytes]:
    out = []
    for i, text in enumerate(encoded):
        try:
            element = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            element = b""
        if len(element) != 32:
            raise InvalidInput(
                "Each element is the base64 of 32 bytes.",
                errors=[{"field": f"elements[{i}]", "message": "not a 32-byte element"}],
            )
        out.append(element)
    return out


@router.post("/evaluate", response_model=EvaluateResponse)
def evaluate(
    body: EvaluateRequest, session: DbSession, actor: ApiActor, settings: AppSettings
) -> EvaluateResponse:
    """Evaluate blinded OPRF elements with the server key (RFC 9497, ristretto255-SHA512).
    Counts against the user's and the organisation's evaluation quotas (429 when spent)."""
    require(actor, Action.MATCH, Registration)  # before the key: 403 is the answer to give
    limits = settings.deconfliction
    if len(body.elements) > limits.batch_max:
        raise InvalidInput(f"At most {limits.batch_max} blinded elements per request.")
    blinded = _decode_elements(body.elements)
    try:
        epoch, evaluated = service.evaluate(
            session, actor=actor, key=server_key(settings), blinded=blinded, limits=limits
        )
    except TooManyRequests:
        # The refusal is recorded in the request's own transaction (one connection per
        # request): undo the evaluation's work, record, commit, then answer 429.
        session.rollback()
        quotas.record_refusal(session, actor=actor, count=len(blinded))
        session.commit()
        raise
    return EvaluateResponse(
        key_epoch=epoch, elements=[base64.b64encode(e).decode() for e in evaluated]
    )


@router.post("/registrations", response_model=RegistrationResponse, status_code=201)
def register(
    body: RegistrationRequest, session: DbSession, actor: ApiActor, settings: AppSettings
) -> RegistrationResponse:
    """Register match tokens (never selectors) under an opaque case reference."""
    result = service.register(
        session,
        actor=actor,
        case_reference=body.case_reference,
        key_epoch=body.key_epoch,
        handling_code=body.handling_code,
        masked=body.masked,
        expires_at=body.expires_at,
        items=[service.TokenItem(i.token, i.selector_type, i.sealed_contact) for i in body.items],
        limits=settings.deconfliction,
    )
    return RegistrationResponse(
        case_id=result.case_id,
        registered=result.registered,
        duplicates=result.duplicates,
        hits=result.hits,
    )


def hit_out(view: hit_service.HitView, token: str) -> HitOut:
    party = view.party
    return HitOut(
        hit_id=view.hit_id,
        selector_type=view.selector_type,
        created_at=view.created_at,
        own=OwnSide(
            case_reference=party.case_reference,
            token=token,
            handling_code=party.handling_code,
            registered_at=party.registered_at,
            masked=not party.revealed,
            revealed=party.revealed,
            outcome=party.outcome,
            outcome_at=party.outcome_at,
        ),
        counterparts=[
            CounterpartOut(
                organisation=c.organisation_name,
                country=c.country,
                handling_code=c.handling_code,
                registered_at=c.registered_at,
                sealed_contact=c.sealed_contact,
            )
            for c in view.counterparts
        ],
        masked_counterparts=view.masked_counterparts,
    )


@router.get("/hits", response_model=list[HitOut])
@writes  # records an audited read
def hits(session: DbSession, actor: ApiActor) -> list[HitOut]:
    """Hits your organisation has been told about, with counterparts and sealed cards."""
    return [hit_out(v, v.token) for v in hit_service.list_hits(session, actor=actor)]


@router.get("/hits/{hit_id}", response_model=HitOut)
@writes  # records an audited read
def hit(hit_id: str, session: DbSession, actor: ApiActor) -> HitOut:
    view = hit_service.get_hit(session, actor=actor, hit_id=hit_id)
    return hit_out(view, view.token)


@router.post("/hits/{hit_id}/reveal", response_model=HitOut)
def reveal(hit_id: str, session: DbSession, actor: ApiActor) -> HitOut:
    """Masked mode: show your agency to the counterparts of this hit (they are told now)."""
    view = hit_service.reveal(session, actor=actor, hit_id=hit_id)
    return hit_out(view, view.token)


@router.post("/hits/{hit_id}/outcome", response_model=HitOut)
def outcome(hit_id: str, body: OutcomeIn, session: DbSession, actor: ApiActor) -> HitOut:
    view = hit_service.record_outcome(session, actor=actor, hit_id=hit_id, outcome=body.outcome)
    return hit_out(view, view.token)


@router.get("/cases", response_model=list[CaseOut])
def cases(session: DbSession, actor: ApiActor) -> list[CaseOut]:
    return [
        CaseOut(
            id=s.case.id,
            reference=s.case.reference,
            registrations=s.registrations,
            stale_registrations=s.stale,
            hits=s.hits,
            expires_at=s.expires_at,
            closed_at=s.case.closed_at,
        )
        for s in case_service.list_cases(session, actor=actor)
    ]


@router.post("/cases/{case_id}/close", response_model=CountOut)
def close_case(case_id: str, session: DbSession, actor: ApiActor) -> CountOut:
    """Close a case: its registrations are deleted and stop matching."""
    return CountOut(count=case_service.close_case(session, actor=actor, case_id=case_id))


@router.post("/cases/{case_id}/renew", response_model=CountOut)
def renew_case(
    case_id: str, session: DbSession, actor: ApiActor, settings: AppSettings
) -> CountOut:
    """Extend the case's live registrations by the full term (12 months by default)."""
    return CountOut(
        count=case_service.renew_case(
            session, actor=actor, case_id=case_id, limits=settings.deconfliction
        )
    )
