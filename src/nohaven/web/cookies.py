"""The browser's cookies: their names and the signature that keeps them from being forged."""

from __future__ import annotations

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from nohaven.config import Settings

SESSION_COOKIE = "nh_session"
ANON_CSRF_COOKIE = "nh_csrf"
# The message a form action leaves for the page it redirects to (nohaven.web.forms).
FLASH_COOKIE = "nh_flash"


def signer(request: Request, purpose: str) -> URLSafeSerializer:
    settings: Settings = request.app.state.settings
    return URLSafeSerializer(settings.secret_key.get_secret_value(), salt=f"nohaven.{purpose}")


def read_signed_cookie(request: Request, name: str, purpose: str) -> str | None:
    raw = request.cookies.get(name)
    if not raw:
        return None
    try:
        value = signer(request, purpose).loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None
