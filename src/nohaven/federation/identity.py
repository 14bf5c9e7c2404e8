"""The node's Ed25519 identity and the signatures that carry it.

The private key lives in a file (``nohaven peers keygen``), never in the database. A node is
known by the fingerprint of its public key: peers pin the key when the peering is set up, so
a node that changes its key is a new peer, approved again.

Every request between peers is signed by the caller and every answer by the callee; the
answer's signature covers the request's, so an old page can never be replayed as the
answer to a new question."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from nohaven.errors import NohavenError, NotAuthenticated
from nohaven.kit.clock import utcnow

NODE_HEADER = "X-Nohaven-Node"
DATE_HEADER = "X-Nohaven-Date"
SIGNATURE_HEADER = "X-Nohaven-Signature"
# How far a signed request's clock may be from ours.
CLOCK_SKEW = timedelta(minutes=5)


class IdentityError(NohavenError):
    status_code = 500
    title = "Node identity unavailable"


def fingerprint(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:32]


def public_hex_of(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


@dataclass(frozen=True)
class NodeIdentity:
    key: Ed25519PrivateKey
    name: str
    url: str

    @property
    def public_key(self) -> str:
        return public_hex_of(self.key.public_key())

    @property
    def node_id(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.key.sign(message)).decode()


def generate_key_file(path: Path) -> str:
    """Write a new private key (PEM, mode 0600, never overwriting); returns the fingerprint."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return fingerprint(public_hex_of(key.public_key()))


def load_identity(path: Path | None, *, name: str, url: str) -> NodeIdentity:
    if path is None:
        raise IdentityError(
            "This node has no identity key: make one with `nohaven peers keygen FILE` and set "
            "NOHAVEN_FEDERATION_NODE_KEY_FILE."
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise IdentityError(f"Cannot read the node key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise IdentityError("The node key must be an Ed25519 key.")
    return NodeIdentity(key=key, name=name, url=url.rstrip("/"))


def verify(public_hex: str, message: bytes, signature: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def request_message(*, target: str, method: str, path: str, date: str, body: bytes) -> bytes:
    """What the caller signs: the node it calls, the request and its body's digest."""
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(["nohaven-request-1", target, method.upper(), path, date, digest]).encode()


def response_message(*, request_signature: str, status: int, body: bytes) -> bytes:
    """What the callee signs: the request it answers, the status and the body's digest."""
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(["nohaven-response-1", request_signature, str(status), digest]).encode()


def fresh(date: str, now: datetime | None = None) -> bool:
    try:
        when = datetime.fromisoformat(date)
    except ValueError:
        return False
    if when.tzinfo is None:
        return False
    return abs((now or utcnow()) - when) <= CLOCK_SKEW


def check_request(
    *, public_hex: str, target: str, method: str, path: str, date: str, body: bytes, signature: str
) -> None:
    if not fresh(date):
        raise NotAuthenticated("The signed request is too old or its date is malformed.")
    message = request_message(target=target, method=method, path=path, date=date, body=body)
    if not verify(public_hex, message, signature):
        raise NotAuthenticated("The request's signature does not match the pinned node key.")


@dataclass(frozen=True)
class SignedCall:
    """A request as a peer signed it: checked against a key once the caller is known."""

    node_id: str
    date: str
    signature: str
    method: str
    path: str
    body: bytes

    def check(self, *, public_key: str, target: str) -> None:
        check_request(
            public_hex=public_key,
            target=target,
            method=self.method,
            path=self.path,
            date=self.date,
            body=self.body,
            signature=self.signature,
        )
