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


def test_every_domains_routers_jobs_and_commands_are_installed() -> None:
    # main.py and cli.py list what they install; a domain module left off a list would be a
    # page, an API, a job or a command that silently does not exist.
    from nohaven import cli, main
    from nohaven.domains import domain_modules

    assert {id(m.router) for m in domain_modules("api")} <= {id(r) for r in main.API_ROUTERS}
    assert {id(m.router) for m in domain_modules("views")} <= {id(r) for r in main.PAGE_ROUTERS}
    schedules = [m.scheduled for m in domain_modules("jobs") if hasattr(m, "scheduled")]
    assert set(schedules) <= set(main.JOB_SCHEDULES)
    assert len(schedules) >= 4
    names = {g.name for g in cli.app.registered_groups} | {
        c.name or (c.callback.__name__ if c.callback else "") for c in cli.app.registered_commands
    }
    for domain in ("jobs", "keys", "hashes", "peers", "deconflict", "travel", "meetings", "policy"):
        assert domain in names, domain
    assert {"backup", "restore", "scan", "hash"} <= names
