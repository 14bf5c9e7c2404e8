"""Every domain's routers, so the app factory stays short."""

from __future__ import annotations

from fastapi import FastAPI

from nohaven.domains import domain_modules


def include_routers(app: FastAPI) -> None:
    from nohaven.system import api as system_api

    app.include_router(system_api.router, prefix="/api/v1")
    for module in domain_modules("api"):
        app.include_router(module.router, prefix="/api/v1")
        # A domain that keeps state beside the database (e.g. the matching index) adds its
        # start-up and shut-down hooks here: app.state.startup_hooks / shutdown_hooks.
        install = getattr(module, "install", None)
        if install is not None:
            install(app)
    for module in domain_modules("views"):
        app.include_router(module.router)
