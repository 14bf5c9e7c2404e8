"""The inbox: notices reach an organisation, its users read them, nobody else can."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.errors import NotFound
from nohaven.notifications import service
from tests.factories import Factory, csrf_from, web_login


def test_notices_reach_only_their_organisation(
    factory: Factory, db: Session, client: TestClient
) -> None:
    mine, theirs = factory.organisation(), factory.organisation()
    me, stranger = factory.user(mine), factory.user(theirs)
    notice = service.notify(
        db,
        actor=Actor.system(),
        organisation_id=mine.id,
        kind="test",
        title="A hit on one of your registrations",
        link="/inbox",
    )
    assert service.unread_count(db, actor=factory.actor(me)) == 1
    assert service.inbox(db, actor=factory.actor(stranger)) == []
    with pytest.raises(NotFound):
        service.mark_read(db, actor=factory.actor(stranger), notice_id=notice.id)

    web_login(client, me)
    dashboard = client.get("/")
    assert "1 unread notice in your inbox" in dashboard.text
    page = client.get("/inbox")
    assert "A hit on one of your registrations" in page.text
    opened = client.post(
        f"/inbox/{notice.id}/read",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    assert service.unread_count(db, actor=factory.actor(me)) == 0
    api = client.get("/api/v1/inbox", headers=factory.headers(stranger))
    assert api.json() == []
