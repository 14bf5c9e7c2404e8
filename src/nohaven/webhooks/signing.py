"""Signing deliveries by the Standard Webhooks scheme (standardwebhooks.com).

A secret is ``whsec_`` + base64 of 24 random bytes. Each delivery carries ``webhook-id``,
``webhook-timestamp`` (Unix seconds) and ``webhook-signature``: ``v1,`` + base64 of
HMAC-SHA256 over ``id.timestamp.body``, one such signature per valid secret separated by a
space, so a receiver holding either the new or the previous secret during a rotation
accepts the message."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's marker, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def headers(
    *, message_id: str, timestamp: datetime, body: str, secrets_: Sequence[str]
) -> dict[str, str]:
    signatures = [
        Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=body)
        for secret in secrets_
    ]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
