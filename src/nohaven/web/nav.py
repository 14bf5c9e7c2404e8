"""The main navigation: each domain's views module lists its links (``NAV``) with the group
they belong in and who may use them, decided by the one policy function; a person sees only
the links they can use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from nohaven.kit.i18n import N_

# The groups, in the order the menu shows them.
GROUPS = (
    N_("Alliance"),
    N_("Governance"),
    N_("Investigations"),
    N_("Policy"),
    N_("Administration"),
)


def everyone(_actor: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavLink:
    label: str
    path: str
    group: str
    # whether the actor can use the page (a policy check); a link nobody can use is noise
    shown: Callable[[Any], bool] = everyone


def grouped(
    links: Iterable[NavLink | tuple[str, str]], actor: Any
) -> list[tuple[str, list[NavLink]]]:
    """The links the actor can use, by group in the menu's order."""
    by_group: dict[str, list[NavLink]] = {}
    for item in links:
        link = item if isinstance(item, NavLink) else NavLink(item[0], item[1], "Alliance")
        if link.shown(actor):
            by_group.setdefault(link.group, []).append(link)
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(by_group.items(), key=lambda kv: order.get(kv[0], len(order)))
