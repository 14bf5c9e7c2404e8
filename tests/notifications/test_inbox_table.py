"""One kind of notice as a paged, sorted, filtered table: all of them, not the first 200."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.notifications import service
from tests.factories import Factory, web_login

KIND = "governance.application"


def _titles(page: str) -> list[str]:
    return re.findall(r"<strong>(Application \d+)</strong>", page)


def test_a_kind_of_notice_pages_sorts_and_filters(
    client: TestClient, db: Session, factory: Factory
) -> None:
    org = factory.organisation()
    user = factory.user(org)
    for n in range(7):
        service.notify(
            db,
            actor=Actor.system("test"),
            organisation_id=org.id,
            kind=KIND,
            title=f"Application {n}",
        )
    web_login(client, user)
    first = client.get(f"/inbox?kind={KIND}&per_page=3&sort=notice&desc=0")
    assert first.status_code == 200
    assert _titles(first.text) == ["Application 0", "Application 1", "Application 2"]
    assert 'aria-sort="ascending"' in first.text
    last = client.get(f"/inbox?kind={KIND}&per_page=3&sort=notice&desc=0&page=3")
    assert _titles(last.text) == ["Application 6"]
    assert len(_titles(client.get(f"/inbox?kind={KIND}&unread=true").text)) == 7
    assert client.get(f"/inbox?kind={KIND}&sort=body").status_code == 400
    assert client.get(f"/inbox?kind={KIND}&unread=maybe").status_code in (400, 422)
    other = factory.user(factory.organisation())
    web_login(client, other)
    assert _titles(client.get(f"/inbox?kind={KIND}").text) == []  # another organisation's
