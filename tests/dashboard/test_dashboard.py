"""Each role finds its work (issue 15): the navigation shows only pages the person can use,
and the dashboard lists their real to-dos, on the demo's data."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.hashes.schemas import HashListCreate
from nohaven.members.models import Organisation
from tests.factories import Factory, web_login


@pytest.fixture
def connection(demo_connection: Connection) -> Connection:
    """This module walks the demo, loaded once per worker (tests/conftest.py)."""
    return demo_connection


ROLES = {
    # role: (organisation, roles, links it must see, links it must not, to-do headings)
    "secretariat": (
        "WPGA Secretariat",
        ("secretariat_admin",),
        {"Users", "Audit log", "Peers", "Applications", "Meetings"},
        {"Deconfliction", "Travel notifications", "Hash lists"},
        {"Meetings coming"},
    ),
    "analyst": (
        "NCA",
        ("analyst",),
        {"Hash lists", "Hash lookup", "Deconfliction", "Travel notifications"},
        {"Users", "Audit log", "Peers"},
        {"Hits to act on"},
    ),
    "org admin": (
        "NCA",
        ("org_admin",),
        {"Users", "Audit log", "Hash lists"},
        {"Deconfliction", "Travel notifications", "Peers"},
        set(),
    ),
    "delegate": (
        "EC",
        ("delegate",),
        {"Motions", "Meetings", "Statements"},
        {"Deconfliction", "Travel notifications", "Hash lists", "Users", "Audit log"},
        {"Votes due", "Meetings coming"},
    ),
    "observer": (
        "ECPAT",
        ("observer",),
        {"Meetings", "Legislative gaps"},
        {"Deconfliction", "Travel notifications", "Hash lists", "Users", "Audit log"},
        set(),
    ),
}
NAV_LINK = re.compile(r'<li><a href="(/[^"]*)"[^>]*>([^<]+)</a></li>')


def test_each_role_sees_what_it_can_use_and_its_to_dos(
    client: TestClient, db: Session, factory: Factory, settings: Settings
) -> None:
    for role in ROLES:
        client.cookies.clear()
        _check(role, client, db, factory)


def _check(role: str, client: TestClient, db: Session, factory: Factory) -> None:
    short, roles, shown, hidden, todos = ROLES[role]
    org = db.execute(select(Organisation).where(Organisation.short_name == short)).scalar_one()
    web_login(client, factory.user(org, roles=roles, totp=True))
    page = client.get("/")
    assert page.status_code == 200
    nav = page.text.split('<nav id="main-nav"')[1].split("</nav>")[0]
    links = {label: path for path, label in NAV_LINK.findall(nav)}
    assert shown <= set(links), (role, sorted(links))
    assert not hidden & set(links), (role, sorted(hidden & set(links)))
    # every link shown leads to a page the person can use: no "Forbidden", no empty shell
    for label, path in links.items():
        assert client.get(path).status_code == 200, (role, label, path)
    headings = set(re.findall(r"<h3>([^<]+)</h3>", page.text.split('id="todo-heading"')[1]))
    assert todos <= headings, (role, headings)
    if "Votes due" in todos:
        assert "Adopt the statement on safety by design" in page.text


def test_search_finds_what_the_person_may_see_and_nothing_else(
    client: TestClient, db: Session, factory: Factory
) -> None:
    from nohaven.hashes import service as hashes
    from tests.hashes.conftest import md5_entry

    owner = factory.organisation("Search Owner Agency")
    other = factory.organisation("Search Other Agency")
    analyst = factory.user(owner, roles=("analyst",), totp=True)
    hash_list = hashes.create_list(
        db,
        actor=factory.actor(analyst),
        data=HashListCreate(name="Searchable private list", tlp="TLP:RED"),
    )
    entry = md5_entry()
    hashes.add_entry(db, actor=factory.actor(analyst), list_id=hash_list.id, data=entry)
    web_login(client, analyst)
    found = client.get("/search", params={"q": "searchable private"})
    assert "Searchable private list" in found.text
    by_hash = client.get("/search", params={"q": entry.value}).text
    assert "/hash-entries/" in by_hash
    assert "Searchable private list" in by_hash
    assert "Kenya" in client.get("/search", params={"q": "kenya"}).text
    assert "Search Other Agency" in client.get("/search", params={"q": "search other"}).text
    client.cookies.clear()
    web_login(client, factory.user(other, roles=("analyst",), totp=True))
    hidden = client.get("/search", params={"q": "searchable private"})
    assert hidden.status_code == 200
    assert "Searchable private list" not in hidden.text
    assert "/hash-entries/" not in client.get("/search", params={"q": entry.value}).text
