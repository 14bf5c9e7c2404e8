"""One way a long table pages, sorts and filters, on the server (it works without script).

A page declares a ``TableSpec``: the columns a reader may sort by (a whitelist: each maps to a
SQL expression or a key function), the filters it accepts (each with a parser that refuses a
bad value) and its page sizes. ``read_table`` turns the query string into a ``TableView``, or
refuses it with a 400 that names the parameter: a made-up sort column, a page of -1 or a
page size of a million never reach the database. The view then pages a query
(``page_query``) or a list already filtered by the policy (``page_items``), and builds the
links of the page's headers and pager (macros in web/templates/_table.html)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from nohaven.errors import NohavenError
from nohaven.kit.i18n import N_, gettext

T = TypeVar("T")
MAX_PAGE_SIZE = 200
MAX_FILTER_LENGTH = 200
CANNOT_SHOW = N_("This table cannot be shown that way.")


class BadTableQuery(NohavenError):
    """A table's query string asked for something the table does not offer."""

    status_code = 400


def choice(*allowed: str) -> Callable[[str], str]:
    """A filter that takes one of ``allowed`` values."""

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(value)
        return value

    return parse


def text(value: str) -> str:
    """A free-text filter (a prefix, a name to look for), bounded in length."""
    if len(value) > MAX_FILTER_LENGTH:
        raise ValueError(value)
    return value.strip()


@dataclass(frozen=True)
class TableSpec:
    """What one table offers: ``sorts`` whitelists the sortable columns by their query name."""

    sorts: Mapping[str, Any]
    default_sort: str
    default_descending: bool = False
    filters: Mapping[str, Callable[[str], str]] = field(default_factory=dict)
    page_size: int = 50
    page_sizes: tuple[int, ...] = (25, 50, 100, MAX_PAGE_SIZE)
    # Two tables on one page each read their own parameters: "r_sort", "s_page"…
    prefix: str = ""

    def param(self, name: str) -> str:
        return self.prefix + name


@dataclass(frozen=True)
class TableView:
    """One validated request for a table, and after paging, what the page holds."""

    path: str
    spec: TableSpec
    sort: str
    descending: bool
    page: int = 1
    per_page: int = 50
    filters: Mapping[str, str] = field(default_factory=dict)
    total: int = 0
    # The page's other parameters (another table's, the page's own filters), kept in links.
    keep: Mapping[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_row(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        return min(self.offset + self.per_page, self.total)

    def filter(self, name: str) -> str:
        return self.filters.get(name, "")

    def url(self, **changes: Any) -> str:
        """This table's address with ``changes`` (page, sort, desc, per_page) applied."""
        name = self.spec.param
        params: dict[str, Any] = dict(self.keep)
        params |= {name(k): v for k, v in self.filters.items() if v}
        state = {
            "sort": self.sort,
            "desc": "1" if self.descending else "0",
            "page": self.page,
            "per_page": self.per_page,
        }
        state.update(changes)
        if state["sort"] != self.spec.default_sort or state["desc"] != (
            "1" if self.spec.default_descending else "0"
        ):
            params[name("sort")] = state["sort"]
            params[name("desc")] = state["desc"]
        if int(state["page"]) != 1:
            params[name("page")] = state["page"]
        if int(state["per_page"]) != self.spec.page_size:
            params[name("per_page")] = state["per_page"]
        return f"{self.path}?{urlencode(params)}" if params else self.path

    def sort_url(self, key: str) -> str:
        """Sorting by ``key``: ascending first, the other way when it is the sort already."""
        descending = not self.descending if key == self.sort else False
        return self.url(sort=key, desc="1" if descending else "0", page=1)

    def aria_sort(self, key: str) -> str:
        if key != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """The pages the pager links: the first, the last and a few around this one; None
        marks a gap."""
        wanted = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        shown = sorted(p for p in wanted if 1 <= p <= self.pages)
        out: list[int | None] = []
        for number in shown:
            if out and out[-1] is not None and number - int(out[-1]) > 1:
                out.append(None)
            out.append(number)
        return out


def read_table(path: str, params: Mapping[str, str], spec: TableSpec) -> TableView:
    """The table a query string asks for, or a 400 naming what is wrong with it."""
    problems: list[dict[str, str]] = []
    own = {spec.param(k) for k in ("sort", "desc", "page", "per_page", *spec.filters)}
    keep = {k: v for k, v in params.items() if k not in own and v != ""}
    params = {k.removeprefix(spec.prefix): v for k, v in params.items() if k in own}

    def number(name: str, default: int, low: int, high: int) -> int:
        raw = params.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            problems.append({"field": name, "message": f"a whole number from {low} to {high}"})
            return default
        return int(raw)

    sort = params.get("sort") or spec.default_sort
    if sort not in spec.sorts:
        problems.append({"field": "sort", "message": "one of " + ", ".join(spec.sorts)})
        sort = spec.default_sort
    desc_raw = params.get("desc")
    if desc_raw not in (None, "", "0", "1"):
        problems.append({"field": "desc", "message": "0 or 1"})
    descending = spec.default_descending if desc_raw in (None, "") else desc_raw == "1"
    per_page = number("per_page", spec.page_size, 1, MAX_PAGE_SIZE)
    page = number("page", 1, 1, 1_000_000)
    filters: dict[str, str] = {}
    for name, parse in spec.filters.items():
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        try:
            filters[name] = parse(raw)
        except ValueError:
            problems.append({"field": name, "message": N_("not a value this table filters by")})
    for problem in problems:
        problem["field"] = spec.param(problem["field"])
    if problems:
        named = "; ".join(f"{p['field']}: {gettext(p['message'])}" for p in problems)
        raise BadTableQuery(f"{gettext(CANNOT_SHOW)} {named}", errors=problems)
    return TableView(path, spec, sort, descending, page, per_page, filters, keep=keep)


def page_query(session: Session, query: Select[T], view: TableView) -> tuple[list[T], TableView]:
    """One page of ``query`` in the view's order (ties broken by the default column, so a
    row never shows on two pages), and the view with the total filled in. A page past the
    end shows the last page."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    view = replace(view, total=total)
    if view.page > view.pages:
        view = replace(view, page=view.pages)
    order: list[ColumnElement[Any]] = []
    for key in dict.fromkeys((view.sort, view.spec.default_sort)):
        column = view.spec.sorts[key]
        order.append(column.desc() if view.descending else column.asc())
    rows = session.execute(query.order_by(*order).limit(view.per_page).offset(view.offset))
    return list(rows.scalars()), view


def page_items(items: Sequence[T], view: TableView) -> tuple[list[T], TableView]:
    """The same for rows already in memory (filtered through the policy one by one); each
    sort maps to a key function. None sorts first ascending, last descending."""
    key = view.spec.sorts[view.sort]

    def sort_key(item: T) -> tuple[bool, Any]:
        value = key(item)
        return (value is not None, value if value is not None else "")

    ordered = sorted(items, key=sort_key, reverse=view.descending)
    view = replace(view, total=len(ordered))
    if view.page > view.pages:
        view = replace(view, page=view.pages)
    return ordered[view.offset : view.offset + view.per_page], view
