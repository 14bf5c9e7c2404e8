"""A bounded property-based run over the OpenAPI schema: whatever a client sends, the API
answers with a 2xx/3xx or a 4xx problem+json, never a 500."""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import Factory

EXAMPLES_PER_OPERATION = 12


def test_no_input_makes_the_api_fail(app: FastAPI, factory: Factory) -> None:
    admin = factory.user(roles=("secretariat_admin",))
    bearer = factory.headers(admin)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), authenticated=st.booleans())
        def check(case: schemathesis.Case, authenticated: bool) -> None:
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
