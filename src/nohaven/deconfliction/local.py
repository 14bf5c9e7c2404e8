"""An in-process transport for the client: the local CLI and tests call the services
directly, through the same payloads as the HTTP API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import DeconflictionSettings
from nohaven.deconfliction import hits as hit_service
from nohaven.deconfliction import oprf, service
from nohaven.deconfliction.api import hit_out
from nohaven.deconfliction.schemas import RegistrationRequest


class LocalTransport:
    def __init__(
        self,
        session: Session,
        actor: Actor,
        key: oprf.KeyPair,
        limits: DeconflictionSettings,
    ) -> None:
        self.session, self.actor, self.key, self.limits = session, actor, key, limits

    def evaluate(self, elements: Sequence[bytes]) -> tuple[int, list[bytes]]:
        return service.evaluate(
            self.session, actor=self.actor, key=self.key, blinded=elements, limits=self.limits
        )

    def register(self, payload: dict[str, Any]) -> dict[str, Any]:
        body = RegistrationRequest.model_validate(payload)
        result = service.register(
            self.session,
            actor=self.actor,
            case_reference=body.case_reference,
            key_epoch=body.key_epoch,
            handling_code=body.handling_code,
            masked=body.masked,
            expires_at=body.expires_at,
            items=[
                service.TokenItem(i.token, i.selector_type, i.sealed_contact) for i in body.items
            ],
            limits=self.limits,
        )
        return {
            "case_id": result.case_id,
            "registered": result.registered,
            "duplicates": result.duplicates,
            "hits": result.hits,
        }

    def hits(self) -> list[dict[str, Any]]:
        views = hit_service.list_hits(self.session, actor=self.actor)
        return [hit_out(v, v.token).model_dump(mode="json") for v in views]
