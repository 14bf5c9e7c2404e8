"""The validation floor, for every field of its kind: every integer a client can send is
bounded to 64 bits and every moment or day to years where arithmetic cannot overflow, in
every query string, path, form and JSON body of every route. Then the fuzz findings of
issue 11 as regression cases: each answers 4xx problem+json, and the app keeps working."""

from __future__ import annotations

import json
import types
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import AfterValidator, AwareDatetime, BaseModel, NaiveDatetime
from pydantic.fields import FieldInfo

from nohaven.kit.schemas import INT64_MAX, INT64_MIN, _in_years
from tests.factories import Factory


def _bounds(metadata: list[Any]) -> tuple[int | None, int | None]:
    low: int | None = None
    high: int | None = None
    for item in metadata:
        if isinstance(item, FieldInfo):
            lo, hi = _bounds(list(item.metadata))
            low = lo if lo is not None else low
            high = hi if hi is not None else high
        elif isinstance(item, annotated_types.Ge | annotated_types.Gt):
            low = int(item.ge if isinstance(item, annotated_types.Ge) else item.gt)
        elif isinstance(item, annotated_types.Le | annotated_types.Lt):
            high = int(item.le if isinstance(item, annotated_types.Le) else item.lt)
    return low, high


def _has_years(metadata: list[Any]) -> bool:
    for item in metadata:
        if isinstance(item, FieldInfo) and _has_years(list(item.metadata)):
            return True
        if isinstance(item, AfterValidator) and item.func is _in_years:
            return True
    return False


def _unbounded(
    annotation: Any, metadata: list[Any], where: str, seen: set[type], found: list[str]
) -> None:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        _unbounded(base, metadata + extra, where, seen, found)
        return
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            _unbounded(arg, metadata, where, seen, found)
        return
    if origin in (list, set, frozenset, tuple, dict):
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                _unbounded(arg, [], where + "[]", seen, found)
        return
    if not isinstance(annotation, type):
        return
    if annotation in (AwareDatetime, NaiveDatetime):
        if not _has_years(metadata):
            found.append(f"{where}: datetime without the year bounds")
        return
    if issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for name, info in annotation.model_fields.items():
            _unbounded(info.annotation, list(info.metadata), f"{where}.{name}", seen, found)
        return
    if issubclass(annotation, bool | Enum | str):
        return
    if annotation in (AwareDatetime, NaiveDatetime):
        annotation = datetime
    if issubclass(annotation, int):
        low, high = _bounds(metadata)
        if low is None or high is None or low < INT64_MIN or high > INT64_MAX:
            found.append(f"{where}: int without 64-bit bounds")
    elif issubclass(annotation, datetime | date) and not _has_years(metadata):
        found.append(f"{where}: {annotation.__name__} without the year bounds")


def _params(dependant: Dependant) -> list[tuple[str, Any]]:
    found = [("query", q) for q in dependant.query_params]
    found += [("other", p) for p in dependant.path_params + dependant.header_params]
    found += [("body", b) for b in dependant.body_params]
    for sub in dependant.dependencies:
        found += _params(sub)
    return found


def unbounded_inputs(app: FastAPI) -> list[str]:
    found: list[str] = []
    routes = 0
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        routes += 1
        label = f"{sorted(route.methods)[0]} {context.path}"
        for where, param in _params(route.dependant):
            info = param.field_info
            problems: list[str] = []
            _unbounded(
                info.annotation, list(info.metadata), f"{label} {param.name}", set(), problems
            )
            # Integers in query strings are bounded for every parameter at once, before
            # routing (nohaven.limits); the fuzz cases below check that.
            found += [p for p in problems if not (where == "query" and "int without" in p)]
    assert routes > 100, routes  # the walk reached the routers' routes
    return sorted(set(found))


def test_every_integer_and_moment_a_client_sends_is_bounded(app: FastAPI) -> None:
    found = unbounded_inputs(app)
    assert found == [], "\n".join(found)


BIG = str(2**64)
PROBLEM = "application/problem+json"


def test_fuzz_findings_answer_4xx_and_the_app_keeps_working(
    client: TestClient, factory: Factory
) -> None:
    admin = factory.user(roles=("secretariat_admin",))
    headers = factory.headers(admin)
    for path in (
        f"/api/v1/audit?before_seq={BIG}",
        f"/api/v1/lists/x/changes?since={BIG}",
        f"/api/v1/lists/x/entries?offset={BIG}",
        f"/api/v1/policy/criteria?version={BIG}",
        f"/api/v1/policy/criteria?version=-{BIG}",
        "/api/v1/policy/countries?as_of=9999-12-31",
        "/api/v1/lists?x=a%00b",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 422, (path, response.status_code, response.text[:200])
        assert response.headers["content-type"] == PROBLEM, path
    for path, body in (
        ("/api/v1/match", {"queries": [], "pdq_threshold": 2**70}),
        ("/api/v1/lists", {"name": "nul\u0000name"}),
        (
            "/api/v1/motions",
            {"body": "x", "title": "T", "closes_at": "9999-12-31T23:59:59+00:00"},
        ),
        (
            "/api/v1/meetings",
            {"body": "x", "title": "T", "starts_at": "9999-12-31T23:00:00+00:00"},
        ),
    ):
        response = client.post(
            path, content=json.dumps(body), headers=headers | {"Content-Type": "application/json"}
        )
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
        assert response.headers["content-type"] == PROBLEM, path
    # Nothing above left the connection unusable.
    assert client.get("/api/v1/me", headers=headers).status_code == 200
