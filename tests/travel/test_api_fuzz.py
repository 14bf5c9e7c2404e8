"""A bounded property-based run over the travel part of the OpenAPI schema, as a sending
analyst, a receiving analyst and the secretariat: whatever is sent, the answer is a 2xx or a
4xx problem+json, never a 500."""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.travel.conftest import World

EXAMPLES_PER_OPERATION = 10


def test_no_input_makes_the_travel_api_fail(app: FastAPI, world: World) -> None:
    f = world.factory
    bearers = [f.headers(world.sender), f.headers(world.receiver), f.headers(world.secretariat)]
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())  # type: ignore[union-attr]
        if op.path.startswith("/api/v1/travel") or op.path.startswith("/travel")
    ]
    assert len(operations) >= 10

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), who=st.integers(min_value=-1, max_value=2))
        def check(case: Any, who: int) -> None:
            headers = dict(case.headers or {})
            if who >= 0:
                headers.update(bearers[who])
            response = case.call(headers=headers)
            label = f"{case.method} {case.formatted_path} -> {response.status_code}"
            assert response.status_code < 500, label
            if response.status_code >= 400:
                content_type = response.headers["content-type"][0]
                assert content_type.startswith("application/problem+json"), label

        check()
