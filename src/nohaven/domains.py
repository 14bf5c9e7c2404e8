"""The domains, in one place: the app factory, the CLI, the policy, the navigation and the
demo loader each walk this list, so adding a domain touches one line here."""

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
