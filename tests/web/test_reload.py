"""Reloading after a form changes nothing (issue 15): every form on every page the demo's
secretariat and a law-enforcement agency see is filled with what it shows (its defaults, a
word in each empty required field) and sent. A form that changed something must answer with a
redirect (POST/redirect/GET), so that the browser's reload asks for the page again instead of
sending the form again; the page it leads to shows the flash message once, and reloading it
writes nothing.

Forms whose answer is shown only once on the answer itself are declared in ``SHOWN_ONCE``
with the reason; any other form answering a POST with a page fails the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from nohaven.config import Settings
from nohaven.members.models import Organisation
from tests.factories import Factory, web_login
from tests.system.test_existence import BY_ROUTE, HIDDEN, PUBLIC, walk
from tests.test_get_writes_nothing import AUDITED_READ_TABLES, KNOWN, _readable, _writes_seen


@pytest.fixture
def connection(demo_connection: Connection) -> Connection:
    """This module walks the demo, loaded once per worker (tests/conftest.py)."""
    return demo_connection


# Forms that answer with a page by design: what they show may be shown only once and must not
# travel in a cookie or a URL (architecture.md, "Pages that post"), or they only ask.
SHOWN_ONCE = {
    "/hash-lookup": "a lookup shows its matches on the answer (the hashes stay out of the URL)",
    "/tokens": "a new token's secret is shown once",
    "/account/recovery-codes": "recovery codes are shown once",
    "/users/invite": "an invitation link is shown once",
}
# Forms this walk leaves alone: they end the walker's own session or second factor, or belong
# to signing in (a password reset answers alike whether the address exists).
LEFT_ALONE = re.compile(r"^/(logout|login|password-reset|account/(password|totp|second-factor))")
# What a reload may write: the declared exceptions of tests/test_get_writes_nothing.py (an
# audited read of sensitive data, a travel notification's read receipt).
DECLARED_READ_WRITES = AUDITED_READ_TABLES | {table for _, table in KNOWN}
ID = re.compile(r"/[0-9a-f]{32}(?=/|$)|/[0-9a-f-]{36}(?=/|$)")


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    radios: dict[str, str] = field(default_factory=dict)
    has_file: bool = False


class _Forms(HTMLParser):
    """The POST forms of a page with the values a person who changes nothing would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._textarea: tuple[str, bool] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""))
                self.forms.append(self._form)
            return
        form = self._form
        if form is None or "name" not in a:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.has_file = True
            elif kind == "radio":
                if "checked" in a or name not in form.radios:
                    form.radios[name] = a.get("value", "on")
            elif kind == "checkbox":
                if "checked" in a:
                    form.fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in {"submit", "button", "reset"}:
                value = a.get("value", "")
                if not value and "required" in a:
                    value = _filler(kind, a)
                form.fields.setdefault(name, []).append(value)
        elif tag == "select":
            self._select, self._selected, self._first_option = name, None, None
        elif tag == "textarea":
            self._textarea, self._text = (name, "required" in a), ""
        elif tag == "button" and a.get("value"):
            form.fields.setdefault(name, []).append(a["value"])

    def _option(self, a: dict[str, str]) -> None:
        value = a.get("value", "")
        if self._first_option is None and value:
            self._first_option = value
        if "selected" in a:
            self._selected = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._selected if self._selected is not None else self._first_option
            self._form.fields.setdefault(self._select, []).append(chosen or "")
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, required = self._textarea
            text = self._text.strip() or ("Sent by the reload test." if required else "")
            self._form.fields.setdefault(name, []).append(text)
            self._textarea = None


def _filler(kind: str, a: dict[str, str]) -> str:
    if kind == "email":
        return "reload-test@example.org"
    if kind == "number":
        return a.get("min") or "1"
    if kind == "date":
        return "2031-03-04"
    if kind == "datetime-local":
        return "2031-03-04T10:00"
    if kind == "time":
        return "10:00"
    if kind == "url":
        return "https://example.org/"
    return "Reload test"


def _pattern(path: str) -> str:
    return ID.sub("/{id}", path)


def test_reloading_after_any_form_changes_nothing(
    app: FastAPI,
    client: TestClient,
    db: Session,
    factory: Factory,
    connection: Connection,
    settings: Settings,
) -> None:
    readers = [
        factory.user(
            db.execute(
                select(Organisation).where(Organisation.short_name == short_name)
            ).scalar_one(),
            roles=(*roles, "org_admin", "delegate"),
            totp=True,
        )
        # the agency first: the secretariat's forms end seats and hand over offices
        for short_name, roles in (
            ("NCA", ("analyst",)),
            ("WPGA Secretariat", ("secretariat_admin",)),
        )
    ]
    failures: list[str] = []
    redirected: set[str] = set()
    for user in readers:
        actor = factory.actor(user)
        web_login(client, user)
        public = dict(PUBLIC, organisation_id=str(user.organisation_id))
        tried: set[str] = set()
        for path, route in walk(app.routes):
            if "GET" not in route.methods or path.startswith("/api/"):
                continue
            url = path
            for param in re.findall(r"{(\w+)}", path):
                source = BY_ROUTE.get((path, param)) or HIDDEN.get(param)
                value = _readable(db, actor, source) if source else public.get(param)
                url = url.replace(f"{{{param}}}", value or "missing")
            page = client.get(url)
            if page.status_code != 200 or "text/html" not in page.headers.get("content-type", ""):
                continue
            parser = _Forms()
            parser.feed(page.text)
            for form in parser.forms:
                action = urlsplit(form.action or url).path
                pattern = _pattern(action)
                if user.id in action or user.organisation_id in action:
                    continue  # the walker keeps its own account, roles and seats
                if pattern in tried or LEFT_ALONE.match(action) or form.has_file:
                    continue
                tried.add(pattern)
                data = dict(form.fields) | {k: [v] for k, v in form.radios.items()}
                answer = client.post(action, data=data, follow_redirects=False)
                assert answer.status_code < 500, (action, data, answer.text[:400])
                if answer.status_code == 200 and 'name="confirmed" value="yes"' in answer.text:
                    # A destructive action asks first (web/confirm.py), writing nothing: say
                    # yes, as the person would, and hold the answer to the same rule.
                    data["confirmed"] = ["yes"]
                    answer = client.post(action, data=data, follow_redirects=False)
                    assert answer.status_code < 500, (action, data, answer.text[:400])
                if answer.status_code in (302, 303):
                    redirected.add(pattern)
                    target = answer.headers["location"]
                    first = client.get(target)
                    with _writes_seen(connection) as again:
                        reload = client.get(target)
                    again = [(t, w) for t, w in again if t not in DECLARED_READ_WRITES]
                    if again:
                        failures.append(f"reloading {target} after {pattern} wrote {again}")
                    flash = re.search(r'<p class="ok" role="status">(.*?)</p>', first.text)
                    if flash and flash.group(0) in reload.text:
                        failures.append(f"the flash of {pattern} shows again on reload")
                elif answer.status_code == 200 and pattern not in SHOWN_ONCE:
                    failures.append(f"POST {pattern} answered with a page, not a redirect")
        client.cookies.clear()
    assert not failures, "\n".join(failures)
    # The walk must actually walk: most forms went through and redirected.
    assert len(redirected) > 25, sorted(redirected)
