"""The TAXII 2.1 server: discovery, one API root (the hash lists), its collections, their
objects and manifests. Authenticated with an API token, as a bearer token or as the password
of HTTP Basic (which many TAXII clients are limited to)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from nohaven.auth.actor import Actor
from nohaven.auth.actor_cache import ActorCache
from nohaven.auth.deps import DbSession
from nohaven.errors import NotAuthenticated
from nohaven.federation.taxii import service
from nohaven.transactions import writes

router = APIRouter(prefix="/taxii2", tags=["taxii"], include_in_schema=False)
ROOT = "lists"


def _secret(header: str) -> str:
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


async def taxii_actor(request: Request, session: DbSession) -> Actor:
    secret = _secret(request.headers.get("authorization", ""))
    if not secret:
        raise NotAuthenticated("Send an API token: as a bearer token, or as a Basic password.")
    cache: ActorCache = request.app.state.actor_cache
    found = cache.cached(secret) or await run_in_threadpool(cache.resolve, session, secret)
    if found is None:
        raise NotAuthenticated("The API token is unknown, expired or revoked.")
    request.app.state.token_usage.note(found.token_id, found.last_used_at)
    actor: Actor = found.actor
    return actor


TaxiiActor = Annotated[Actor, Depends(taxii_actor)]


def _taxii(body: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, media_type=service.MEDIA_TAXII, headers=headers)


@router.get("/")
def discovery(request: Request, _actor: TaxiiActor) -> JSONResponse:
    base = str(request.url_for("api_root"))
    return _taxii(
        {
            "title": "nohaven",
            "description": "Hash lists of known material as STIX 2.1 indicators.",
            "default": base,
            "api_roots": [base],
        }
    )


@router.get(f"/{ROOT}/", name="api_root")
def api_root(_actor: TaxiiActor) -> JSONResponse:
    return _taxii(
        {
            "title": "Hash lists",
            "description": "Every hash list you may export is a collection.",
            "versions": [service.MEDIA_TAXII],
            "max_content_length": 8 * 1024 * 1024,
        }
    )


@router.get(f"/{ROOT}/collections/")
def collections(session: DbSession, actor: TaxiiActor) -> JSONResponse:
    found = service.collections(session, actor=actor)
    return _taxii({"collections": [service.collection(h) for h in found]})


@router.get(f"/{ROOT}/collections/{{collection_id}}/")
def collection(collection_id: str, session: DbSession, actor: TaxiiActor) -> JSONResponse:
    hash_list = service.get_collection(session, actor=actor, collection_id=collection_id)
    return _taxii(service.collection(hash_list))


Limit = Annotated[int | None, Query(ge=1, le=service.PAGE_MAX)]
Text = Annotated[str | None, Query(max_length=64)]


def _page_headers(found: service.Page) -> dict[str, str]:
    headers = {}
    if found.first_added:
        headers["X-TAXII-Date-Added-First"] = found.first_added
    if found.last_added:
        headers["X-TAXII-Date-Added-Last"] = found.last_added
    return headers


@router.get(f"/{ROOT}/collections/{{collection_id}}/objects/")
@writes  # an audited read
def objects(
    collection_id: str,
    session: DbSession,
    actor: TaxiiActor,
    added_after: Text = None,
    next_token: Annotated[str | None, Query(alias="next", max_length=32)] = None,
    limit: Limit = None,
) -> JSONResponse:
    found = service.page(
        session,
        actor=actor,
        collection_id=collection_id,
        added_after=added_after,
        next_token=next_token,
        limit=limit,
        what="objects",
    )
    return _taxii(service.envelope(found), _page_headers(found))


@router.get(f"/{ROOT}/collections/{{collection_id}}/manifest/")
@writes  # an audited read
def manifest(
    collection_id: str,
    session: DbSession,
    actor: TaxiiActor,
    added_after: Text = None,
    next_token: Annotated[str | None, Query(alias="next", max_length=32)] = None,
    limit: Limit = None,
) -> JSONResponse:
    found = service.page(
        session,
        actor=actor,
        collection_id=collection_id,
        added_after=added_after,
        next_token=next_token,
        limit=limit,
        what="manifest",
    )
    return _taxii(service.manifest(found), _page_headers(found))
