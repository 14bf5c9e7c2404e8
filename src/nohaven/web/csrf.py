"""CSRF tokens for forms: an HMAC of the session cookie's secret (or, before login, of a random
pre-session cookie), so checking one needs no database and a token from one session is
useless in another."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from nohaven.config import Settings
from nohaven.errors import Forbidden
from nohaven.kit.ids import new_token
from nohaven.web.cookies import ANON_CSRF_COOKIE, SESSION_COOKIE, read_signed_cookie

FIELD = "csrf_token"
HEADER = "x-csrf-token"


def _mac(settings: Settings, seed: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"csrf:" + seed.encode(), hashlib.sha256).hexdigest()


def _seed(request: Request) -> str | None:
    session_token = read_signed_cookie(request, SESSION_COOKIE, "session")
    if session_token:
        return "s:" + session_token
    anon = read_signed_cookie(request, ANON_CSRF_COOKIE, "csrf")
    return "a:" + anon if anon else None


def token_for(request: Request) -> str:
    """The token to put in this page's forms; creates the pre-session seed if needed."""
    settings: Settings = request.app.state.settings
    override = getattr(request.state, "csrf_seed", None)
    seed = override or _seed(request)
    if seed is None:
        anon = new_token(16)
        request.state.new_anon_csrf = anon
        request.state.csrf_seed = seed = "a:" + anon
    return _mac(settings, seed)


async def check_csrf(request: Request) -> None:
    """Dependency for every state-changing page route."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    sent = request.headers.get(HEADER)
    if not sent:
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    seed = _seed(request)
    settings: Settings = request.app.state.settings
    if not sent or seed is None or not hmac.compare_digest(sent, _mac(settings, seed)):
        raise Forbidden(
            "The form has expired or did not come from this site; reload the page and try again."
        )
