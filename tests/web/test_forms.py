"""The one form-action helper: a refused action leaves nothing behind but what it keeps on
purpose, and a successful one redirects to a page whose reload changes nothing."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nohaven.audit import service as audit
from nohaven.audit.models import AuditEntry
from nohaven.auth.actor import Actor
from nohaven.auth.models import LoginThrottle, WebSession
from nohaven.db import write_even_if_refused
from nohaven.errors import Conflict
from nohaven.members import service as members_service
from nohaven.members.models import Organisation, OrganisationKind
from nohaven.members.schemas import OrganisationCreate
from nohaven.transactions import DbSession
from nohaven.web.forms import form_action
from tests.factories import Factory, csrf_from, web_login

SYSTEM = Actor.system("test")


def _count(db: Session, model: type, *where: object) -> int:
    return int(db.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def _half_done_route(app: FastAPI) -> None:
    """A page action that writes, asks to keep one entry, then is refused: the shape of a
    service that fails half-way."""

    def half_done(request: Request, session: DbSession) -> Response:
        def act() -> None:
            data = OrganisationCreate(name="Half Written", kind=OrganisationKind.NGO)
            members_service.create_organisation(session, actor=SYSTEM, data=data)
            write_even_if_refused(
                session,
                lambda s: audit.record(
                    s, actor=SYSTEM, action="test.kept", resource_type="test", resource_id=None
                ),
            )
            raise Conflict("Refused after writing.")

        return form_action(request, session, act, redirect="/")

    app.add_api_route("/test/half-done", half_done, methods=["POST"])


def test_a_refused_action_writes_nothing_but_what_it_keeps(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    _half_done_route(app)
    response = client.post("/test/half-done", follow_redirects=False)
    assert response.status_code == 409
    assert "Refused after writing." in response.text
    assert _count(db, Organisation, Organisation.name == "Half Written") == 0
    assert _count(db, AuditEntry, AuditEntry.action == "organisation.create") == 0
    assert _count(db, AuditEntry, AuditEntry.action == "test.kept") == 1


def test_a_wrong_password_keeps_only_its_count(
    client: TestClient, factory: Factory, db: Session
) -> None:
    user = factory.user(roles=("delegate",))
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": "not the password",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert _count(db, LoginThrottle) == 2  # per account at this source, and per source
    assert _count(db, AuditEntry, AuditEntry.action == "auth.login_failed") == 1
    assert _count(db, WebSession, WebSession.user_id == user.id) == 0


def test_reloading_after_a_successful_post_does_nothing_again(
    client: TestClient, factory: Factory, db: Session
) -> None:
    web_login(client, factory.user(roles=("secretariat_admin",)))
    page = client.get("/organisations")
    response = client.post(
        "/organisations",
        data={"name": "Reloaded Hotline", "kind": "hotline", "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    target = response.headers["location"]
    entries = _count(db, AuditEntry)
    first = client.get(target)
    assert "Reloaded Hotline added to the directory." in first.text
    again = client.get(target)
    assert again.status_code == 200
    assert "added to the directory" not in again.text  # the message is shown once
    assert _count(db, Organisation, Organisation.name == "Reloaded Hotline") == 1
    assert _count(db, AuditEntry) == entries


def test_an_htmx_form_is_redirected_by_header(client: TestClient, factory: Factory) -> None:
    web_login(client, factory.user(roles=("secretariat_admin",)))
    page = client.get("/organisations")
    response = client.post(
        "/organisations",
        data={"name": "Swapped Hotline", "kind": "hotline", "csrf_token": csrf_from(page.text)},
        headers={"HX-Request": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 200
    assert response.headers["hx-redirect"].startswith("/organisations/")
