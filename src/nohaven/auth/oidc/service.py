"""An organisation's OpenID provider settings, and who a provider's answer signs in.

Configuring is an organisation admin's or the secretariat's (the policy's "update the
organisation"); the client secret is sealed and never shown again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.auth.oidc import outbound
from nohaven.auth.oidc.models import OidcProvider
from nohaven.auth.oidc.schemas import OidcProviderSet
from nohaven.auth.policy import Action, require
from nohaven.config import LOOPBACK_HOSTS
from nohaven.errors import InvalidInput, NotAuthenticated, NotFound
from nohaven.kit import crypto
from nohaven.kit.clock import utcnow
from nohaven.kit.i18n import N_
from nohaven.kit.ids import new_id
from nohaven.members import service as members_service
from nohaven.members.models import Organisation, User
from nohaven.webhooks.addresses import Guard


def _context(provider: OidcProvider) -> str:
    return f"oidc_providers.client_secret:{provider.id}"


def check_issuer(issuer: str, *, addresses: Guard) -> str:
    parts = urlsplit(issuer)
    host = (parts.hostname or "").lower()
    if (parts.scheme == "https" and host) or (
        parts.scheme == "http" and host in LOOPBACK_HOSTS and addresses.allow_http_loopback
    ):
        outbound.check_issuer_address(addresses, issuer)
        return issuer.rstrip("/")
    raise InvalidInput(
        N_("The issuer must be an https:// address."),
        errors=[{"field": "issuer", "message": "https://"}],
    )


def get_provider(session: Session, *, actor: Actor, organisation_id: str) -> OidcProvider:
    organisation = members_service.get_organisation(
        session, actor=actor, organisation_id=organisation_id
    )
    require(actor, Action.UPDATE, organisation)
    provider = provider_of(session, organisation.id)
    if provider is None:
        raise NotFound("This organisation has no OpenID provider.")
    return provider


def provider_of(session: Session, organisation_id: str) -> OidcProvider | None:
    return session.execute(
        select(OidcProvider).where(OidcProvider.organisation_id == organisation_id)
    ).scalar_one_or_none()


def enabled_providers(session: Session) -> Sequence[tuple[OidcProvider, Organisation]]:
    """What the login page offers: every enabled provider with its organisation's name."""
    rows = session.execute(
        select(OidcProvider, Organisation)
        .join(Organisation, Organisation.id == OidcProvider.organisation_id)
        .where(OidcProvider.enabled.is_(True))
        .order_by(Organisation.name)
    ).all()
    return [(p, o) for p, o in rows]


def set_provider(
    session: Session,
    *,
    actor: Actor,
    organisation_id: str,
    data: OidcProviderSet,
    keyring: crypto.Keyring,
    addresses: Guard,
) -> OidcProvider:
    organisation = members_service.get_organisation(
        session, actor=actor, organisation_id=organisation_id
    )
    require(actor, Action.UPDATE, organisation)
    provider = provider_of(session, organisation.id)
    if provider is None and data.client_secret is None:
        raise InvalidInput(
            N_("A new provider needs its client secret."),
            errors=[{"field": "client_secret", "message": "required"}],
        )
    issuer = check_issuer(str(data.issuer), addresses=addresses)
    if provider is None:
        provider = OidcProvider(id=new_id(), organisation_id=organisation.id)
        session.add(provider)
    provider.issuer = issuer
    provider.client_id = data.client_id
    if data.client_secret is not None:  # else the sealed one stays
        provider.client_secret_sealed = crypto.seal(
            keyring, data.client_secret.get_secret_value(), context=_context(provider)
        )
    provider.allowed_domains = list(data.allowed_domains)
    provider.role_claim = data.role_claim
    provider.role_map = dict(data.role_map)
    provider.trusted_amr = sorted(set(data.trusted_amr))
    provider.trusted_acr = sorted(set(data.trusted_acr))
    provider.enabled = data.enabled
    provider.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="oidc_provider.set",
        resource_type="oidc_provider",
        resource_id=provider.id,
        organisation_id=organisation.id,
        summary={
            "issuer": provider.issuer,
            "domains": provider.allowed_domains,
            "trusted_amr": provider.trusted_amr,
            "trusted_acr": provider.trusted_acr,
            "role_claim": provider.role_claim,
            "role_map": provider.role_map,
            "enabled": provider.enabled,
            # that it changed, never what it is
            "secret_changed": data.client_secret is not None,
        },
    )
    return provider


def client_secret(provider: OidcProvider, *, keyring: crypto.Keyring) -> str:
    return crypto.unseal(keyring, provider.client_secret_sealed, context=_context(provider))


@dataclass(frozen=True)
class SignedIn:
    user: User
    # The provider's own authentication stands for the second factor.
    second_factor_done: bool


def _roles_from(provider: OidcProvider, claims: Mapping[str, Any]) -> list[str]:
    value = claims.get(provider.role_claim)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return sorted({r for v in values if isinstance(v, str) for r in provider.role_map.get(v, [])})


def sign_in(session: Session, *, provider: OidcProvider, claims: Mapping[str, Any]) -> SignedIn:
    """The person a validated ID token names, made or updated from its claims. Refused unless
    the address is verified and in one of the organisation's domains, and belongs to no
    other organisation's account."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is False:
        raise NotAuthenticated("Your provider did not give a verified e-mail address.")
    if email.rsplit("@", 1)[-1] not in provider.allowed_domains:
        raise NotAuthenticated("This address may not sign in through this provider.")
    user = session.execute(select(User).where(func.lower(User.email) == email)).scalar_one_or_none()
    roles = _roles_from(provider, claims)
    if user is not None and user.organisation_id != provider.organisation_id:
        raise NotAuthenticated("This address may not sign in through this provider.")
    if user is None:
        if not roles:
            raise NotAuthenticated("Your provider gave you no role in nohaven.")
        user = User(
            email=email,
            display_name=str(claims.get("name") or email)[:200],
            organisation_id=provider.organisation_id,
            roles=roles,
            password_hash=None,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            actor=auth_service.self_actor(user),
            action="user.create_from_provider",
            resource_type="user",
            resource_id=user.id,
            organisation_id=user.organisation_id,
            summary={"roles": roles, "issuer": provider.issuer},
        )
    elif roles and sorted(user.roles) != roles and "secretariat_admin" not in user.roles:
        # The provider is the source of its people's roles while a mapping gives any.
        audit.record(
            session,
            actor=auth_service.self_actor(user),
            action="user.roles_from_provider",
            resource_type="user",
            resource_id=user.id,
            organisation_id=user.organisation_id,
            summary={"from": sorted(user.roles), "to": roles},
        )
        user.roles = roles
    if not user.is_active:
        raise NotAuthenticated("This account is disabled.")
    amr = claims.get("amr")
    amr_values = {a for a in amr if isinstance(a, str)} if isinstance(amr, list) else set()
    done = bool(amr_values & set(provider.trusted_amr)) or (
        claims.get("acr") in set(provider.trusted_acr)
    )
    session.flush()
    session.refresh(user, ["organisation"])
    return SignedIn(user, done)
