"""The one table component: pages, sorts by whitelisted columns only, filters, and answers a
made-up query with a 400 naming the parameter, never a 500 (shown on the audit log)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.auth.actor import Actor
from nohaven.kit.paging import MAX_PAGE_SIZE, BadTableQuery, TableSpec, page_items, read_table
from tests.factories import Factory, web_login

SPEC = TableSpec(sorts={"name": lambda r: r["name"], "n": lambda r: r["n"]}, default_sort="n")


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password"},
        {"desc": "yes"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "two"},
        {"per_page": str(MAX_PAGE_SIZE + 1)},
        {"per_page": "0"},
    ],
)
def test_a_query_the_table_does_not_offer_is_refused(params: dict[str, str]) -> None:
    with pytest.raises(BadTableQuery) as refused:
        read_table("/t", params, SPEC)
    assert refused.value.status_code == 400
    assert refused.value.errors[0]["field"] == next(iter(params))


def test_items_page_and_sort_in_memory() -> None:
    rows = [{"name": f"r{n:02}", "n": n} for n in range(7)]
    view = read_table("/t", {"per_page": "3", "sort": "name", "desc": "1"}, SPEC)
    first, view = page_items(rows, view)
    assert [r["n"] for r in first] == [6, 5, 4]
    assert (view.total, view.pages, view.first_row, view.last_row) == (7, 3, 1, 3)
    last, _ = page_items(rows, read_table("/t", {"per_page": "3", "page": "3"}, SPEC))
    assert [r["n"] for r in last] == [6]
    beyond, beyond_view = page_items(rows, read_table("/t", {"per_page": "3", "page": "9"}, SPEC))
    assert beyond == last
    assert beyond_view.page == 3
    assert view.url(page=2) == "/t?sort=name&desc=1&page=2&per_page=3"
    assert view.sort_url("name") == "/t?sort=name&desc=0&per_page=3"  # the other way round
    assert view.aria_sort("name") == "descending"
    assert view.aria_sort("n") == "none"
    empty, empty_view = page_items(list[dict[str, int]](), read_table("/t", {}, SPEC))
    assert empty == []
    assert (empty_view.pages, empty_view.first_row) == (1, 0)


def _actions(page: str) -> list[str]:
    return re.findall(r"<code>(test\.[a-z0-9.]+)</code>", page)


def test_audit_log_pages_sorts_and_filters(
    client: TestClient, db: Session, factory: Factory
) -> None:
    web_login(client, factory.user(roles=("secretariat_admin",)))
    for n in range(7):
        audit.record(db, actor=Actor.system("test"), action=f"test.e{n}", resource_type="x")
    first = client.get("/audit?action=test.&per_page=3")
    assert first.status_code == 200
    assert _actions(first.text) == ["test.e6", "test.e5", "test.e4"]
    assert 'aria-sort="descending"' in first.text
    assert "<caption>" in first.text
    assert 'aria-current="page"' in first.text
    assert "page=3" in first.text  # the pager links the last page
    last = client.get("/audit?action=test.&per_page=3&page=3")
    assert _actions(last.text) == ["test.e0"]
    past_the_end = client.get("/audit?action=test.&per_page=3&page=50")
    assert _actions(past_the_end.text) == ["test.e0"]
    by_action = client.get("/audit?action=test.e&sort=action&desc=0&per_page=4")
    assert _actions(by_action.text) == ["test.e0", "test.e1", "test.e2", "test.e3"]
    assert 'aria-sort="ascending"' in by_action.text
    only = client.get("/audit?action=test.e3")
    assert _actions(only.text) == ["test.e3"]
    none = client.get("/audit?resource=nothing-of-that-kind&action=test.")
    assert _actions(none.text) == []


@pytest.mark.parametrize(
    "query", ["sort=summary", "page=0", "per_page=100000", "desc=maybe", "action=" + "a" * 300]
)
def test_audit_log_refuses_a_bad_query_with_400(
    client: TestClient, factory: Factory, query: str
) -> None:
    web_login(client, factory.user(roles=("secretariat_admin",)))
    refused = client.get(f"/audit?{query}")
    assert refused.status_code == 400
    assert "This table cannot be shown that way." in refused.text
