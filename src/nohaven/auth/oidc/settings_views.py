"""The page where an organisation's admin (or the secretariat) sets its OpenID provider:
issuer, client id and secret, allowed e-mail domains, which claim values give which roles,
and which ``amr``/``acr`` values stand for the second factor. The secret is sealed and never
shown back: the field stays empty, and left empty it keeps the one stored. Each change is
audited by the service (`service.set_provider`), in the same transaction."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.auth.deps import DbSession, WebActor
from nohaven.auth.oidc import outbound, service
from nohaven.auth.oidc.schemas import GRANTABLE, OidcProviderSet
from nohaven.auth.policy import Action, require
from nohaven.config import AppSettings
from nohaven.errors import InvalidInput
from nohaven.keys.ring import data_keyring
from nohaven.kit.i18n import N_
from nohaven.members import service as members
from nohaven.web.forms import form_action
from nohaven.web.templating import render

router = APIRouter()

Text = Annotated[str, Form(max_length=4000)]


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text) if w]


def role_map_text(mapping: dict[str, list[str]]) -> str:
    return "\n".join(f"{value} = {', '.join(roles)}" for value, roles in sorted(mapping.items()))


def parse_role_map(text: str) -> dict[str, list[str]]:
    """One line per claim value: ``nohaven-analysts = analyst, delegate``."""
    mapping: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value, sep, roles = line.partition("=")
        if not sep or not value.strip() or not _words(roles):
            raise InvalidInput(
                N_("Write each role mapping as: claim value = role, role."),
                errors=[{"field": "role_map", "message": f"line {number}"}],
            )
        mapping[value.strip()] = _words(roles)
    return mapping


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    organisation_id: str,
    *,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    organisation = members.get_organisation(session, actor=actor, organisation_id=organisation_id)
    require(actor, Action.UPDATE, organisation)
    provider = service.provider_of(session, organisation.id)
    shown = form or {
        "issuer": provider.issuer if provider else "",
        "client_id": provider.client_id if provider else "",
        "allowed_domains": ", ".join(provider.allowed_domains) if provider else "",
        "role_claim": provider.role_claim if provider else "groups",
        "role_map": role_map_text(provider.role_map) if provider else "",
        "trusted_amr": ", ".join(provider.trusted_amr) if provider else "",
        "trusted_acr": ", ".join(provider.trusted_acr) if provider else "",
        "enabled": provider.enabled if provider else True,
    }
    return render(
        request,
        "oidc_settings.html",
        {
            "title": "Sign-in provider",
            "org": organisation,
            "provider": provider,
            "form": shown,
            "grantable": sorted(GRANTABLE),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/organisations/{organisation_id}/sign-in")
def provider_page(
    request: Request, session: DbSession, actor: WebActor, organisation_id: str
) -> Response:
    return _page(request, session, actor, organisation_id)


@router.post("/organisations/{organisation_id}/sign-in")
def set_provider(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    actor: WebActor,
    organisation_id: str,
    issuer: Annotated[str, Form(max_length=300)],
    client_id: Annotated[str, Form(max_length=200)],
    allowed_domains: Text,
    client_secret: Annotated[str, Form(max_length=500)] = "",
    role_claim: Annotated[str, Form(max_length=100)] = "groups",
    role_map: Text = "",
    trusted_amr: Annotated[str, Form(max_length=500)] = "",
    trusted_acr: Annotated[str, Form(max_length=500)] = "",
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    entered = {
        "issuer": issuer,
        "client_id": client_id,
        "allowed_domains": allowed_domains,
        "role_claim": role_claim,
        "role_map": role_map,
        "trusted_amr": trusted_amr,
        "trusted_acr": trusted_acr,
        "enabled": enabled,
    }

    def save() -> object:
        data = OidcProviderSet.model_validate(
            {
                "issuer": issuer.strip(),
                "client_id": client_id.strip(),
                "client_secret": client_secret or None,
                "allowed_domains": _words(allowed_domains),
                "role_claim": role_claim.strip(),
                "role_map": parse_role_map(role_map),
                "trusted_amr": _words(trusted_amr),
                "trusted_acr": _words(trusted_acr),
                "enabled": enabled,
            }
        )
        return service.set_provider(
            session,
            actor=actor,
            organisation_id=organisation_id,
            data=data,
            keyring=data_keyring(settings),
            addresses=outbound.guard_of(settings),
        )

    return form_action(
        request,
        session,
        save,
        refused=lambda refusal: _page(
            request,
            session,
            actor,
            organisation_id,
            form=entered,
            error=refusal.message,
            fields={f["field"].split(".")[0] for f in refusal.fields},
            status_code=refusal.status_code,
        ),
        redirect=f"/organisations/{organisation_id}/sign-in",
        flash="Sign-in provider saved.",
    )
