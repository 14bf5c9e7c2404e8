"""How the application is put together: what it serves and how its endpoints run."""

from __future__ import annotations

import inspect

from fastapi import FastAPI

from tests.system.test_existence import walk


def test_no_endpoint_runs_on_the_event_loop(app: FastAPI) -> None:
    # The stack is synchronous (SQLAlchemy sessions, file reads): an ``async def`` endpoint
    # would run that work on the event loop and stall every other request of the process.
    routes = list(walk(app.routes))
    on_loop = [
        f"{path} {sorted(route.methods)}"
        for path, route in routes
        if inspect.iscoroutinefunction(route.endpoint)
    ]
    assert on_loop == []
    assert len(routes) > 200  # the walk reached the domains' routers
