"""Jinja2 set-up and the one render function every page uses."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from nohaven.config import Settings
from nohaven.web import csrf
from nohaven.web.cookies import ANON_CSRF_COOKIE, signer
from nohaven.web.flash import flash_message, take_flash
from nohaven.web.nav import NavLink, grouped

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))


def country_name(code: str | None) -> str:
    if not code:
        return "—"
    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def label(value: str | None) -> str:
    return (value or "").replace("_", " ")


templates.env.filters["country"] = country_name
templates.env.filters["date"] = fmt_date
templates.env.filters["label"] = label


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
    actor = getattr(request.state, "actor", None)
    ctx: dict[str, Any] = {
        "request": request,
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
