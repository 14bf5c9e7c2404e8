"""Factories for test records: organisations, bodies, seats, users, actors, tokens."""

from __future__ import annotations

import itertools
from datetime import date

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nohaven.auth import passwords, second_factor
from nohaven.auth import service as auth_service
from nohaven.auth.actor import Actor
from nohaven.config import Settings, get_settings
from nohaven.members.models import (
    Body,
    BodyKind,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class Factory:
    def __init__(self, session: Session, settings: Settings | None = None) -> None:
        self.session = session
        # The test's settings when it has them; else the environment's, as the suite sets it.
        self.settings = settings or get_settings()

    def organisation(
        self,
        name: str | None = None,
        *,
        kind: OrganisationKind | str = OrganisationKind.GOVERNMENT,
        country: str | None = "GB",
    ) -> Organisation:
        org = Organisation(
            name=name or f"Organisation {next(_counter)}", kind=str(kind), country=country
        )
        self.session.add(org)
        self.session.flush()
        return org

    def body(
        self, name: str | None = None, *, slug: str | None = None, parent: Body | None = None
    ) -> Body:
        n = next(_counter)
        body = Body(
            name=name or f"Body {n}",
            slug=slug or f"body-{n}",
            kind=BodyKind.REFERENCE_GROUP if parent else BodyKind.ALLIANCE,
            parent_id=parent.id if parent else None,
        )
        self.session.add(body)
        self.session.flush()
        return body

    def seat(
        self,
        body: Body,
        org: Organisation,
        role: MembershipRole = MembershipRole.MEMBER,
        *,
        start: date = date(2020, 1, 1),
        end: date | None = None,
    ) -> Membership:
        seat = Membership(
            body_id=body.id, organisation_id=org.id, role=role, start_date=start, end_date=end
        )
        self.session.add(seat)
        self.session.flush()
        return seat

    def user(
        self,
        org: Organisation | None = None,
        *,
        roles: tuple[str, ...] = ("analyst",),
        email: str | None = None,
        password: str = PASSWORD,
        totp: bool = False,
    ) -> User:
        org = org or self.organisation()
        user = User(
            email=email or f"user{next(_counter)}@example.org",
            display_name="Test User",
            organisation_id=org.id,
            roles=list(roles),
            password_hash=passwords.hash_password(password, settings=self.settings),
        )
        self.session.add(user)
        self.session.flush()
        self.session.refresh(user, ["organisation"])
        if totp:
            secret = second_factor.begin_totp_enrolment(
                self.session, user=user, settings=self.settings
            )
            second_factor.confirm_totp_enrolment(
                self.session, user=user, code=pyotp.TOTP(secret).now(), settings=self.settings
            )
            user.totp_last_step = None  # let the test log in within the same 30 s
            self.session.flush()
        return user

    def actor(self, user: User, *, scopes: frozenset[str] | None = None) -> Actor:
        return auth_service.actor_for(self.session, user, scopes=scopes)

    def token(self, user: User, *, scopes: tuple[str, ...] = ("read", "write", "admin")) -> str:
        issued = auth_service.create_api_token(
            self.session,
            actor=self.actor(user),
            name="test",
            scopes=list(scopes),
            days=30,
            max_days=self.settings.api_token_max_days,
        )
        self.session.flush()
        return issued.secret

    def headers(
        self, user: User, *, scopes: tuple[str, ...] = ("read", "write", "admin")
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user, scopes=scopes)}"}


def csrf_from(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def web_login(client: TestClient, user: User, *, password: str = PASSWORD) -> None:
    """Log a test client in through the pages, answering the second factor if enrolled."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": password,
            "csrf_token": csrf_from(page.text),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    if response.headers["location"].startswith("/login/totp"):
        from nohaven.auth.second_factor import totp_secret

        secret = totp_secret(user, settings=client.app.state.settings)
        assert secret is not None
        page = client.get(response.headers["location"])
        response = client.post(
            "/login/totp",
            data={
                "code": pyotp.TOTP(secret).now(),
                "csrf_token": csrf_from(page.text),
                "next": "/",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
