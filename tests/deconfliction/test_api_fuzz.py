"""A bounded property-based run over the deconfliction API as a law-enforcement analyst (with a
configured key), so requests reach the services: whatever a client sends, the API
answers with a 2xx/3xx or a 4xx problem+json, never a 500."""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import Factory

EXAMPLES_PER_OPERATION = 20


def test_no_input_makes_the_deconfliction_api_fail(app: FastAPI, factory: Factory) -> None:
    admin = factory.user(factory.organisation(kind="law_enforcement"), roles=("analyst",))
    bearer = factory.headers(admin)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    results: list[Any] = list(schema.get_all_operations())
    operations = [r.ok() for r in results if "deconfliction" in r.ok().path]
    assert len(operations) >= 8

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), authenticated=st.booleans())
        def check(case: Any, authenticated: bool) -> None:
            headers = dict(case.headers or {})
            if authenticated:
                headers.update(bearer)
            response = case.call(headers=headers)
            label = f"{case.method} {case.formatted_path} -> {response.status_code}"
            assert response.status_code < 500, label
            if response.status_code >= 400:
                assert response.headers["content-type"][0].startswith("application/problem+json"), (
                    label
                )

        check()
