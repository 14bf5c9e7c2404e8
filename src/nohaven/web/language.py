"""Which language a request is answered in, and the switcher every page shows.

In order: a language picked on the switcher (``?lang=fr``, remembered in a cookie), the
signed-in person's profile choice (``nohaven.auth.deps`` applies it once the person is
known), the language remembered from the switcher, the browser's ``Accept-Language``, and
the deployment's default (``NOHAVEN_DEFAULT_LANGUAGE``)."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nohaven.kit.i18n import LANGUAGES, language_name, negotiate, speaking

LANGUAGE_COOKIE = "nohaven_lang"
LANGUAGE_PARAM = "lang"
# A year: a visitor's choice of language is a preference, not a secret or a session.
COOKIE_SECONDS = 365 * 24 * 3600


def _picked(scope: Scope) -> str | None:
    raw: bytes = scope.get("query_string", b"")
    for name, value in parse_qsl(raw.decode("latin-1")):
        if name == LANGUAGE_PARAM and value in LANGUAGES:
            return str(value)
    return None


def _remembered(headers: Headers) -> str | None:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:
        return None
    morsel = cookie.get(LANGUAGE_COOKIE)
    return morsel.value if morsel is not None and morsel.value in LANGUAGES else None


class LanguageNegotiation:
    """Sets the request's language before anything runs (plain ASGI, like RequestContext)."""

    def __init__(self, app: ASGIApp, *, default: str, secure: bool) -> None:
        self.app = app
        self.default = default
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        picked = _picked(scope)
        remembered = _remembered(headers)
        language = picked or remembered or self.default
        if not (picked or remembered):
            language = negotiate(headers.get("accept-language", ""), default=self.default)
        scope.setdefault("state", {})["language_picked"] = picked is not None

        async def send_remembering(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out.append("Vary", "Accept-Language, Cookie")
                if picked is not None and picked != remembered:
                    secure = "; Secure" if self.secure else ""
                    out.append(
                        "Set-Cookie",
                        f"{LANGUAGE_COOKIE}={picked}; Path=/; Max-Age={COOKIE_SECONDS}; "
                        f"SameSite=Lax{secure}",
                    )
            await send(message)

        with speaking(language):
            await self.app(scope, receive, send_remembering)


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    href: str
    current: bool


def switcher(request: Request, current: str) -> list[LanguageLink]:
    """A link per language to this same page in that language, each named in itself."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != LANGUAGE_PARAM]
    links = []
    for code in LANGUAGES:
        query = urlencode([*params, (LANGUAGE_PARAM, code)])
        links.append(
            LanguageLink(code, language_name(code), f"{request.url.path}?{query}", code == current)
        )
    return links


def picked_on_switcher(request: Request) -> bool:
    return bool(getattr(request.state, "language_picked", False))
