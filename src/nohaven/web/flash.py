"""The message a form action leaves for the page it redirects to, shown there once."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from nohaven.config import Settings
from nohaven.web.cookies import FLASH_COOKIE, read_signed_cookie, signer

MAX_FLASH = 500


def set_flash(request: Request, response: Response, message: str) -> None:
    settings: Settings = request.app.state.settings
    response.set_cookie(
        FLASH_COOKIE,
        signer(request, "flash").dumps(message[:MAX_FLASH]),
        httponly=True,
        samesite="lax",
        secure=settings.secure_transport,
        path="/",
    )


def flash_message(request: Request) -> str | None:
    """The message a redirect brought; the page that shows it forgets it (``take_flash``)."""
    return read_signed_cookie(request, FLASH_COOKIE, "flash")


def take_flash(request: Request, response: Response) -> None:
    if FLASH_COOKIE in request.cookies:
        settings: Settings = request.app.state.settings
        response.delete_cookie(
            FLASH_COOKIE, path="/", secure=settings.secure_transport, httponly=True, samesite="lax"
        )
