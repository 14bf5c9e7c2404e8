"""Jinja2 set-up and the one render function every page uses."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from nohaven.config import Settings
from nohaven.kit import i18n
from nohaven.web import csrf
from nohaven.web.cookies import ANON_CSRF_COOKIE, signer
from nohaven.web.flash import flash_message, take_flash
from nohaven.web.language import switcher
from nohaven.web.nav import NavLink, grouped

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.add_extension("jinja2.ext.i18n")
# Every string a person reads goes through gettext: {% trans %} blocks and _() in templates
# look the message up in the current request's language (nohaven.kit.i18n).
templates.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
templates.env.policies["ext.i18n.trimmed"] = True


def label(value: str | None) -> str:
    return (value or "").replace("_", " ")


def direction(language: str) -> str:
    """How a text in ``language`` runs, for its ``dir`` attribute."""
    return "rtl" if i18n.is_rtl(language) else "ltr"


templates.env.filters["country"] = i18n.country_name
templates.env.filters["direction"] = direction
templates.env.filters["date"] = i18n.format_when
templates.env.filters["number"] = i18n.format_number
templates.env.filters["local"] = i18n.format_local
templates.env.filters["language"] = i18n.language_name
templates.env.filters["label"] = label
# A value that is also a message of the catalogue (a scope, a role), shown translated.
templates.env.filters["translated"] = i18n.gettext


@lru_cache(maxsize=1)
def nav_items() -> tuple[NavLink | tuple[str, str], ...]:
    """The links each domain's views module adds to the main navigation."""
    from nohaven.domains import domain_modules  # views import this module: resolve late

    return tuple(item for module in domain_modules("views") for item in getattr(module, "NAV", ()))


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    settings: Settings = request.app.state.settings
    language = i18n.current_language()
    actor = getattr(request.state, "actor", None)
    ctx: dict[str, Any] = {
        "request": request,
        "language": language,
        "text_direction": "rtl" if i18n.is_rtl(language) else "ltr",
        "languages": switcher(request, language),
        "actor": actor,
        "csrf_token": csrf.token_for(request),
        "demo": settings.demo,
        "nav_groups": grouped(nav_items(), actor) if actor is not None else [],
        "flash": flash_message(request),
        **(context or {}),
    }
    is_htmx = request.headers.get("hx-request") == "true"
    name = template
    if is_htmx and "partial" in ctx:
        name = str(ctx["partial"])
    response = templates.TemplateResponse(
        request, name, ctx, status_code=status_code, headers=headers
    )
    if not is_htmx:  # a fragment may not show the message: the next full page does
        take_flash(request, response)
    anon = getattr(request.state, "new_anon_csrf", None)
    if anon:
        response.set_cookie(
            ANON_CSRF_COOKIE,
            signer(request, "csrf").dumps(anon),
            httponly=True,
            samesite="strict",
            secure=settings.secure_transport,
            path="/",
        )
    return response
