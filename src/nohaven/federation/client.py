"""Talking to a peer: every request signed with this node's key, every answer checked
against the key pinned for the peer. An answer without a valid signature is never used."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import httpx

from nohaven.errors import NohavenError
from nohaven.federation import identity
from nohaven.federation.identity import NodeIdentity
from nohaven.kit.clock import utcnow


class PeerUnreachable(NohavenError):
    """The peer did not answer, or answered without a valid signature."""

    status_code = 502
    title = "Peer unreachable"


@dataclass(frozen=True)
class SignedAnswer:
    status: int
    raw: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @cached_property
    def body(self) -> Any:
        """The answer as JSON (a feed page is parsed straight into its schema from ``raw``)."""
        try:
            return json.loads(self.raw) if self.raw else None
        except ValueError as exc:
            raise PeerUnreachable("The peer's signed answer is not JSON.") from exc


def fetch_identity(http: httpx.Client, url: str) -> dict[str, Any]:
    """The peer's self-description (node id, name, public key): what its admin reads out to
    ours before the key is pinned."""
    try:
        response = http.get(url.rstrip("/") + "/api/v1/federation/node")
    except httpx.HTTPError as exc:
        raise PeerUnreachable(f"Cannot reach {url}: {exc}") from exc
    if response.status_code != 200:
        raise PeerUnreachable(f"{url} is not a nohaven node with federation on.")
    found: dict[str, Any] = response.json()
    if identity.fingerprint(str(found.get("public_key", ""))) != found.get("node_id"):
        raise PeerUnreachable(f"{url} names a node id that is not its key's fingerprint.")
    return found


class PeerClient:
    def __init__(
        self,
        http: httpx.Client,
        me: NodeIdentity,
        *,
        url: str,
        node_id: str,
        public_key: str,
    ) -> None:
        self._http = http
        self._me = me
        self._url = url.rstrip("/")
        self._node_id = node_id
        self._public_key = public_key

    def get(self, path: str, params: dict[str, Any] | None = None) -> SignedAnswer:
        return self._send("GET", path, params=params)

    def post(self, path: str, payload: dict[str, Any]) -> SignedAnswer:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return self._send("POST", path, body=body)

    def _send(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: bytes = b""
    ) -> SignedAnswer:
        request = self._http.build_request(
            method,
            self._url + path,
            params=params,
            content=body or None,
            headers={"Content-Type": "application/json"} if body else None,
        )
        date = utcnow().isoformat()
        signature = self._me.sign(
            identity.request_message(
                target=self._node_id,
                method=method,
                path=request.url.raw_path.decode("ascii"),
                date=date,
                body=body,
            )
        )
        request.headers[identity.NODE_HEADER] = self._me.node_id
        request.headers[identity.DATE_HEADER] = date
        request.headers[identity.SIGNATURE_HEADER] = signature
        try:
            response = self._http.send(request)
        except httpx.HTTPError as exc:
            raise PeerUnreachable(f"Cannot reach the peer at {self._url}: {exc}") from exc
        answer = response.content
        answer_signature = response.headers.get(identity.SIGNATURE_HEADER, "")
        message = identity.response_message(
            request_signature=signature, status=response.status_code, body=answer
        )
        if not answer_signature or not identity.verify(self._public_key, message, answer_signature):
            detail = _detail(response)
            raise PeerUnreachable(
                f"The peer answered {response.status_code} without a valid signature"
                + (f": {detail}" if detail else ".")
            )
        return SignedAnswer(response.status_code, answer)


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))[:300]
    except (ValueError, AttributeError):
        return ""


class ReadAhead:
    """The next feed page, fetched in a thread while the subscriber applies this one: the
    owner's reading and signing and our writing overlap instead of taking turns. A page
    fetched ahead is used only if it starts where the copy now stands."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="federation-read-ahead")
        self._next: tuple[str, int, Future[SignedAnswer]] | None = None

    def start(self, key: str, since: int, fetch: Callable[[], SignedAnswer]) -> None:
        self._next = (key, since, self._pool.submit(fetch))

    def take(self, key: str, since: int) -> SignedAnswer | None:
        """The page fetched ahead for ``key`` from ``since`` (its failure raised here), or
        None if there is none."""
        found, self._next = self._next, None
        if found is None:
            return None
        if found[:2] != (key, since):
            found[2].cancel()
            return None
        return found[2].result()

    def close(self) -> None:
        self._next = None
        self._pool.shutdown(wait=True, cancel_futures=True)
