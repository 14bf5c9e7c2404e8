"""Every governance page renders for the demo's users (and the public ones for nobody)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.governance.meetings.models import Meeting
from nohaven.governance.motions.models import Motion
from nohaven.governance.statements.models import Statement
from nohaven.members.demo import DEMO_PASSWORD
from nohaven.members.models import User
from tests.factories import web_login


@pytest.fixture
def connection(demo_connection: Connection) -> Connection:
    """This module walks the demo, loaded once per worker (tests/conftest.py)."""
    return demo_connection


PAGES = [
    "/meetings",
    "/motions",
    "/statements",
    "/progress",
    "/progress/global-taskforce",
    "/showcase",
    "/showcase?q=hotline&capability=12&commitment=3",
    "/applications",
    "/governance/bodies/vgt/officers",
    "/governance/bodies/global-taskforce/officers",
]


@pytest.mark.parametrize(
    "email",
    [
        "secretariat@demo.nohaven.test",
        "delegate@ec.demo.nohaven.test",
        "delegate@uk.demo.nohaven.test",
        "observer@ecpat.demo.nohaven.test",
    ],
)
def test_pages_render_for_demo_users(
    client: TestClient, db: Session, settings: Settings, email: str
) -> None:
    user = db.scalar(select(User).where(User.email == email))
    assert user is not None
    web_login(client, user, password=DEMO_PASSWORD)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code in {200, 403, 404}, (path, response.status_code)
        assert response.status_code == 200 or email.startswith("observer"), path
    visible = 0
    for meeting in db.scalars(select(Meeting)):
        for suffix in ("", "/print", "/calendar.ics"):
            response = client.get(f"/meetings/{meeting.id}{suffix}")
            assert response.status_code in {200, 403, 404}, (meeting.title, suffix)
            visible += response.status_code == 200
    for motion in db.scalars(select(Motion)):
        assert client.get(f"/motions/{motion.id}").status_code in {200, 403, 404}
    for statement in db.scalars(select(Statement)):
        assert client.get(f"/statements/{statement.id}").status_code in {200, 403, 404}
    if not email.startswith("observer"):
        assert visible > 0


def test_public_pages_render_without_login(
    client: TestClient, db: Session, settings: Settings
) -> None:
    for path in (
        "/public/bodies/vgt",
        "/public/bodies/global-taskforce",
        "/public/bodies/vgt/contact",
        "/public/statements/vgt-e2ee-and-ai",
        "/public/statements.atom",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/public/bodies/nowhere").status_code == 404
    assert client.get("/public/statements/gtf-safety-by-design").status_code == 404  # a draft
    anonymous = client.get("/motions", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")
