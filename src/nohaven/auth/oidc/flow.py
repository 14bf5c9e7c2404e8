"""The authorisation-code flow with PKCE against an organisation's provider.

``begin`` makes the provider's authorisation address and what the callback must check (state,
nonce, the PKCE verifier), which travel in a signed short-lived cookie; ``finish`` exchanges
the code (with the verifier and the client's secret) and validates the ID token with joserfc
(Authlib's JOSE library): its signature against the provider's published keys (JWKS), and
its issuer, audience, expiry, issue time and nonce."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from nohaven.errors import NotAuthenticated, ServiceUnavailable

SCOPES = "openid email profile"
LEEWAY_SECONDS = 60
# Signed tokens only, with the algorithms providers use: never "none", never a shared-secret
# HMAC that a client secret could forge.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


@dataclass(frozen=True)
class Pending:
    """What the callback checks, kept in the signed cookie between the two legs."""

    provider_id: str
    state: str
    nonce: str
    verifier: str
    next: str

    def dump(self) -> dict[str, str]:
        return {
            "p": self.provider_id,
            "s": self.state,
            "n": self.nonce,
            "v": self.verifier,
            "x": self.next,
        }

    @classmethod
    def load(cls, data: dict[str, str]) -> Pending:
        return cls(data["p"], data["s"], data["n"], data["v"], data["x"])


def _get_json(client: httpx.Client, url: str) -> dict[str, Any]:
    try:
        response = client.get(url)
        response.raise_for_status()
        found = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ServiceUnavailable("Your organisation's sign-in provider did not answer.") from exc
    if not isinstance(found, dict):
        raise ServiceUnavailable("Your organisation's sign-in provider answered nonsense.")
    return found


def discover(client: httpx.Client, issuer: str) -> dict[str, Any]:
    metadata = _get_json(client, issuer.rstrip("/") + "/.well-known/openid-configuration")
    if metadata.get("issuer") != issuer:
        raise ServiceUnavailable("The provider names another issuer than the one configured.")
    return metadata


def begin(
    client: httpx.Client,
    *,
    provider_id: str,
    issuer: str,
    client_id: str,
    redirect_uri: str,
    next_path: str,
) -> tuple[str, Pending]:
    metadata = discover(client, issuer)
    pending = Pending(
        provider_id=provider_id,
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),
        next=next_path,
    )
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": create_s256_code_challenge(pending.verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{metadata['authorization_endpoint']}?{query}", pending


def finish(
    client: httpx.Client,
    *,
    pending: Pending,
    issuer: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
) -> dict[str, Any]:
    """The ID token's claims, once it has been validated."""
    metadata = discover(client, issuer)
    try:
        response = client.post(
            metadata["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": pending.verifier,
            },
            auth=(client_id, client_secret),
        )
    except httpx.HTTPError as exc:
        raise ServiceUnavailable("Your organisation's sign-in provider did not answer.") from exc
    if response.status_code != 200:
        raise NotAuthenticated("Your provider refused the sign-in; please try again.")
    id_token = response.json().get("id_token")
    if not isinstance(id_token, str):
        raise NotAuthenticated("Your provider gave no ID token.")
    try:
        keys = KeySet.import_key_set(_get_json(client, metadata["jwks_uri"]))  # type: ignore[arg-type]
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": pending.nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise NotAuthenticated("The provider's ID token did not check out.") from exc
    claims = token.claims
    azp = claims.get("azp")
    if azp is not None and azp != client_id:
        raise NotAuthenticated("The provider's ID token did not check out.")
    return dict(claims)
