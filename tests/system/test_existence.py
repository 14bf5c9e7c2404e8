"""What an actor may not see answers exactly like what does not exist (issue 12).

The walk: every route with an identifier in its path, API and pages, is asked twice by an
outsider (an organisation seated only in a body of its own, its user holding every role an
organisation may give itself): once with the identifier of something that exists and the
outsider may not read, once with one that does not exist. The two answers must be the same,
status and body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import hypothesis
import pyotp
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, joinedload

from nohaven.auth import second_factor
from nohaven.auth.actor import Actor
from nohaven.auth.models import ApiToken
from nohaven.auth.policy import Action, can
from nohaven.config import Settings
from nohaven.deconfliction.models import Case, Hit
from nohaven.federation.models import Peer, Subscription, TaxiiSource
from nohaven.governance.models import (
    ActionItem,
    AgendaItem,
    CaseStudy,
    ContactMessage,
    Meeting,
    MembershipApplication,
    Motion,
    Statement,
)
from nohaven.hashes.models import EntryQuarantine, HashEntry, HashList
from nohaven.kit.clock import utcnow
from nohaven.kit.ids import new_id
from nohaven.members.models import Body, Invitation, Membership, OrganisationKind, User
from nohaven.notifications.models import Notice
from nohaven.operations.models import Activity, Referral
from nohaven.policy.models import Assessment, Criterion
from nohaven.travel.models import Complaint, TravelNotification
from nohaven.webhooks.models import Delivery, Endpoint
from tests.factories import Factory, csrf_from, web_login


@pytest.fixture
def connection(demo_connection: Connection) -> Connection:
    """This module walks the demo, loaded once per worker (tests/conftest.py)."""
    return demo_connection


MISSING = "0" * 32
REQUEST_ID = "existence-walk-0001"


@dataclass(frozen=True)
class Source:
    """Where the hidden value of a path parameter comes from."""

    model: type[Any]
    column: str = "id"
    # Whether the outsider may not see a row; by default, what the one policy says.
    hidden: Callable[[Actor, Any], bool] | None = None
    missing: str = MISSING


def _unpublished(_actor: Actor, statement: Any) -> bool:
    return statement.published_at is None


# Parameters naming things an outsider may not see, by name; a few depend on the route.
HIDDEN: dict[str, Source] = {
    "token_id": Source(ApiToken),
    "notice_id": Source(Notice),
    "list_id": Source(HashList),
    "entry_id": Source(HashEntry),
    "hit_id": Source(Hit),
    "case_id": Source(Case),
    "notification_id": Source(TravelNotification),
    "complaint_id": Source(Complaint),
    "motion_id": Source(Motion),
    "meeting_id": Source(Meeting),
    "statement_id": Source(Statement),
    "case_study_id": Source(CaseStudy),
    "application_id": Source(MembershipApplication),
    "assessment_id": Source(Assessment),
    "message_id": Source(ContactMessage),
    "user_id": Source(User),
    "invitation_id": Source(Invitation),
    "membership_id": Source(Membership),
    "subscription_id": Source(Subscription),
    # a TAXII collection is a hash list (its id, spelt as a UUID or as nohaven spells it)
    "collection_id": Source(HashList),
    "activity_id": Source(Activity),
    "referral_id": Source(Referral),
    "endpoint_id": Source(Endpoint),
    "delivery_id": Source(Delivery),
    # rows of the NCA's red list, which the outsider does not see (made below)
    "quarantine_id": Source(EntryQuarantine, hidden=lambda _actor, _row: True),
    "source_id": Source(TaxiiSource, hidden=lambda _actor, _row: True),
}
BY_ROUTE: dict[tuple[str, str], Source] = {
    ("/api/v1/agenda-items/{item_id}", "item_id"): Source(AgendaItem),
    ("/meetings/{meeting_id}/agenda/{item_id}", "item_id"): Source(AgendaItem),
    ("/api/v1/action-items/{item_id}", "item_id"): Source(ActionItem),
    ("/meetings/{meeting_id}/actions/{item_id}", "item_id"): Source(ActionItem),
    ("/public/statements/{slug}", "slug"): Source(
        Statement, column="slug", hidden=_unpublished, missing="no-such-statement"
    ),
}
# Parameters naming what every account may see (the directory, countries, the framework),
# or a secret that is its own proof (an invitation link): a fixed real value in both calls.
PUBLIC: dict[str, str] = {
    "body": "vgt",
    "slug": "vgt",
    "language": "fr",  # a statement's language version: the statement decides what is seen
    "organisation_id": "",  # filled with a real organisation's id
    "country": "GB",
    "code": "GB",
    "key": "",  # filled with a real criterion's key
    "fmt": "csv",
    "verb": "approve",
    "token": "not-an-invitation",
    # Every analyst sees which nodes this one peers with; changing them is refused (403).
    "peer_id": "",
    # The login page lists every organisation's OpenID provider to anyone.
    "provider_id": "no-such-provider",
}


def walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from walk(route.original_router.routes, prefix + route.include_context.prefix)


def _example_bodies(app: FastAPI) -> dict[tuple[str, str], Any]:
    """For each API operation, the simplest body its own schema accepts, so a request passes
    validation and reaches the lookup (a body refused alike before it would prove nothing)."""
    found: dict[tuple[str, str], Any] = {}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.body:
            case = hypothesis.find(
                operation.as_strategy(),
                lambda _case: True,
                # The first example will do: shrinking it would only cost time.
                settings=hypothesis.settings(
                    database=None,
                    deadline=None,
                    max_examples=1,
                    phases=[hypothesis.Phase.generate],
                    suppress_health_check=list(hypothesis.HealthCheck),
                ),
            )
            found[(operation.method.upper(), operation.path)] = case.body
    return found


def _sample(prop: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A plain value of a form field's schema: enough to pass validation, nothing more."""
    if "$ref" in prop:
        prop = defs[prop["$ref"].rsplit("/", 1)[-1]]
    if "enum" in prop:
        return str(prop["enum"][0])
    if "anyOf" in prop:
        return _sample(next(p for p in prop["anyOf"] if p.get("type") != "null"), defs)
    kind = prop.get("type")
    if kind in {"integer", "number"}:
        return str(prop.get("minimum", prop.get("exclusiveMinimum", 0) + 1))
    if kind == "boolean":
        return "true"
    if kind == "array":
        return [_sample(prop.get("items", {}), defs)]
    choice = re.fullmatch(r"\^\(?([\w-]+)(\|[\w|-]+)?\)?\$", prop.get("pattern", ""))
    if choice:
        return choice.group(1)
    if prop.get("format") == "date":
        return "2030-01-01"
    if prop.get("format") == "date-time":
        return "2030-01-01T10:00"
    return "x" * max(1, int(prop.get("minLength", 1)))


def _form_for(route: APIRoute) -> dict[str, Any]:
    """The required fields of a page's form, each with a plain value, so a post reaches the
    lookup instead of stopping at "the form is not complete" alike for both."""
    field = route.body_field
    if field is None:
        return {}
    schema = TypeAdapter(field.field_info.annotation).json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    return {
        name: _sample(prop, defs)
        for name, prop in schema.get("properties", {}).items()
        if name in required
    }


def _params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _source(path: str, param: str) -> Source | None:
    return BY_ROUTE.get((path, param)) or HIDDEN.get(param)


def _hidden_value(db: Session, actor: Actor, source: Source) -> str | None:
    for row in db.execute(select(source.model)).scalars():
        hidden = (
            source.hidden(actor, row)
            if source.hidden is not None
            else not can(actor, Action.READ, row)
        )
        if hidden:
            return str(getattr(row, source.column))
    return None


def _more_hidden_rows(db: Session, factory: Factory) -> None:
    """What the demo does not have: one of each, belonging to the demo's NCA."""
    insider = db.execute(
        select(User)
        .options(joinedload(User.organisation))
        .where(User.email == "analyst@nca.demo.nohaven.test")
    ).scalar_one()
    nca = insider.organisation_id
    body = db.execute(select(Body).where(Body.slug == "vgt")).scalar_one()
    meeting = db.execute(select(Meeting).where(Meeting.body_id == body.id)).scalars().first()
    notification = db.execute(select(TravelNotification)).scalars().first()
    criterion = db.execute(select(Criterion)).scalars().first()
    assert meeting is not None
    assert notification is not None
    assert criterion is not None
    factory.token(insider)
    contact = ContactMessage(id=new_id(), body_id=body.id)
    db.add(contact)
    contact.seal(
        db, name="Someone", email="someone@example.org", subject="Hello", message="A hidden one"
    )
    db.add_all(
        [
            AgendaItem(
                meeting_id=meeting.id,
                title="A hidden item",
                proposer_id=nca,
                proposer_capacity="member",
            ),
            CaseStudy(body_id=body.id, organisation_id=nca, title="A hidden study", text="…"),
            MembershipApplication(body_id=body.id, organisation_id=nca),
            contact,
            Complaint(
                notification_id=notification.id,
                organisation_id=notification.sender_organisation_id,
                source="receiver",
            ),
            Invitation(
                organisation_id=nca,
                email="newcomer@nca.example.org",
                roles=["analyst"],
                token_hash="f" * 64,
                expires_at=utcnow() + timedelta(days=1),
            ),
            Assessment(
                country="GB",
                criterion_key=criterion.key,
                status="met",
                organisation_id=nca,
                assessor_label="NCA",
                state="draft",
            ),
        ]
    )
    db.flush()
    peer = Peer(
        node_id="a" * 32,
        public_key="b" * 64,
        name="A peer",
        url="http://p.test",
        status="active",
        organisation_id=nca,
    )
    copy = HashList(
        name="A copy",
        owner_organisation_id=nca,
        tlp="TLP:RED",
        audience_organisation_ids=[],
        audience_body_ids=[],
    )
    endpoint = Endpoint(
        organisation_id=nca,
        url="https://hooks.nca.example/in",
        kinds=["travel.notification"],
        secret_sealed="not-opened-by-the-walk",
    )
    db.add_all([peer, copy, endpoint])
    db.flush()
    db.add(
        Delivery(id="msg_hidden", endpoint_id=endpoint.id, kind="travel.notification", payload="{}")
    )
    db.add(
        Subscription(
            peer_id=peer.id, remote_list_id="r", organisation_id=nca, local_list_id=copy.id
        )
    )
    entry = HashEntry(list_id=copy.id, signal_type="md5", value="0" * 32, created_seq=1, seq=1)
    db.add_all([entry, TaxiiSource(list_id=copy.id, collection_url="https://t.example/c/")])
    db.flush()
    db.add(
        EntryQuarantine(
            entry_id=entry.id, list_id=copy.id, recent_matches=60, usual_matches=1, reason="x"
        )
    )
    db.flush()


@pytest.fixture
def world(db: Session, factory: Factory, settings: Settings) -> tuple[User, Actor]:
    _more_hidden_rows(db, factory)
    outsider_org = factory.organisation("Outside Agency", kind=OrganisationKind.LAW_ENFORCEMENT)
    # A member of another body: seated somewhere, just not where the hidden things live.
    factory.seat(factory.body("Outsiders' Group"), outsider_org)
    outsider = factory.user(outsider_org, roles=("org_admin", "analyst", "delegate"))
    return outsider, factory.actor(outsider)


def _comparable(text: str, value: str) -> str:
    text = text.replace(value, "ID")
    return re.sub(r"[0-9a-f]{64}", "CSRF", text)


def test_hidden_answers_like_missing_on_every_route(
    app: FastAPI, client: TestClient, db: Session, factory: Factory, world: tuple[User, Actor]
) -> None:
    outsider, actor = world
    from nohaven.members.models import Organisation

    public = dict(PUBLIC)
    public["organisation_id"] = db.execute(select(Organisation.id)).scalars().first() or ""
    public["key"] = db.execute(select(Criterion.key)).scalars().first() or ""
    api_headers = {**factory.headers(outsider), "X-Request-ID": REQUEST_ID}
    # A law-enforcement user works only with a second factor: enrol one, so the pages open.
    secret = second_factor.begin_totp_enrolment(db, user=outsider, settings=factory.settings)
    earlier = pyotp.TOTP(secret).at(utcnow() - timedelta(seconds=30))
    second_factor.confirm_totp_enrolment(db, user=outsider, code=earlier, settings=factory.settings)
    web_login(client, outsider)
    assert client.get("/account", follow_redirects=False).status_code == 200
    page_headers = {"X-Request-ID": REQUEST_ID, "X-CSRF-Token": csrf_from(client.get("/").text)}

    bodies = _example_bodies(app)
    compared, unmapped, without_rows, differing = [], [], set(), []
    for path, route in walk(app.routes):
        params = _params(path)
        if not params:
            continue
        hidden_values: dict[str, tuple[str, str]] = {}
        for param in params:
            source = _source(path, param)
            if source is None:
                if param not in public:
                    unmapped.append(f"{path} {{{param}}}")
                continue
            value = _hidden_value(db, actor, source)
            if value is None:
                without_rows.add(source.model.__name__)
                public[param] = source.missing  # nothing hidden to compare: missing in both
                continue
            hidden_values[param] = (value, source.missing)
        if not hidden_values:
            continue
        for method in sorted(route.methods - {"HEAD"}):
            answers = []
            for pick in (0, 1):  # the hidden row, then nothing at all
                url = path
                for param in params:
                    value = hidden_values[param][pick] if param in hidden_values else public[param]
                    url = url.replace(f"{{{param}}}", value)
                is_api = path.startswith("/api/")
                sent: dict[str, Any] = {}
                if (method, path) in bodies:
                    sent = {"json": bodies[(method, path)]}
                elif not is_api and method == "POST":
                    sent = {"data": _form_for(route)}
                response = client.request(
                    method,
                    url,
                    headers=api_headers if is_api else page_headers,
                    follow_redirects=False,
                    **sent,
                )
                text = response.text
                for value, missing in hidden_values.values():
                    text = _comparable(_comparable(text, value), missing)
                answers.append((response.status_code, text))
            compared.append(f"{method} {path}")
            if answers[0] != answers[1]:
                differing.append(
                    f"{method} {path}: hidden {answers[0][0]} vs missing {answers[1][0]}\n"
                    f"    hidden:  {answers[0][1][:300]}\n    missing: {answers[1][1][:300]}"
                )
    assert not unmapped, "path parameters the walk does not know: " + ", ".join(unmapped)
    print(len(compared), "compared; no hidden rows of", sorted(without_rows))  # noqa: T201
    assert not differing, "\n".join(differing)
    # The walk must actually walk: most routes with an identifier found a hidden row.
    assert len(compared) > 100, (compared, without_rows)
