"""The domains, in one place, for what must see every domain's module of a kind: the ORM
models (so metadata and the sealed-column list are complete), the access rules and the
navigation. What the app and the CLI install (routers, jobs, commands) is listed explicitly
in ``nohaven.main`` and ``nohaven.cli``; a test checks those lists against this one."""

from __future__ import annotations

import importlib
from types import ModuleType

# Order matters where one domain's demo data or navigation builds on another's.
DOMAINS: tuple[str, ...] = (
    "members",
    "auth",
    "audit",
    "jobs",
    "keys",
    "backup",
    "notifications",
    "hashes",
    "federation",
    "deconfliction",
    "travel",
    "governance",
    "policy",
    "operations",
    "webhooks",
    "dashboard",
)


def domain_modules(part: str) -> list[ModuleType]:
    """Each domain's ``part`` module (``api``, ``views``, ``cli``, ``rules``, ``demo``…), for
    the domains that have one."""
    found = []
    for domain in DOMAINS:
        name = f"nohaven.{domain}.{part}"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise  # a real import error inside the module must not be hidden
    return found
