"""A bounded property-based run over every operation of the OpenAPI schema, on each database:
whatever a client sends, with no token, a read-only token of one organisation, a write token of
another or the secretariat's token, the API answers with a 2xx/3xx or a 4xx problem+json, never
a 500. Every failing operation is reported, not only the first."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from nohaven.auth import token_usage
from tests.factories import Factory

# Bounded for the normal suite; NOHAVEN_FUZZ_EXAMPLES=200 digs deeper by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("NOHAVEN_FUZZ_EXAMPLES", "10"))


def _tokens(factory: Factory) -> dict[str, dict[str, str]]:
    """Callers: two law-enforcement agencies whose users hold every organisation role, one
    with a `read` token and one with a `read`+`write` token, and the secretariat."""
    roles = ("analyst", "delegate", "org_admin")
    agency_a = factory.organisation(kind="law_enforcement")
    agency_b = factory.organisation(kind="law_enforcement")
    secretariat = factory.user(roles=("secretariat_admin",))
    return {
        "anonymous": {},
        "agency_a_read": factory.headers(factory.user(agency_a, roles=roles), scopes=("read",)),
        "agency_b_write": factory.headers(
            factory.user(agency_b, roles=roles), scopes=("read", "write")
        ),
        "secretariat": factory.headers(secretariat),
    }


def test_no_input_makes_the_api_fail(
    app: FastAPI, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tests share one connection between the app and the test's own transaction; the
    # token-use flusher would write from its own thread on that same connection mid-request
    # (it runs every 20 s and this test runs longer). Served for real, it has a connection
    # of its own; here it waits for shutdown, when it writes once, after the last request.
    monkeypatch.setattr(token_usage, "FLUSH_SECONDS", 3600.0)
    callers = _tokens(factory)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    failures: list[str] = []
    started = time.monotonic()

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            # No shrinking: a failure is reported as found, and the run stays bounded even
            # when something fails (shrinking and explaining can take many minutes).
            phases=(Phase.explicit, Phase.generate),
        )
        @given(case=operation.as_strategy(), caller=st.sampled_from(sorted(callers)))
        def check(case: Any, caller: str) -> None:
            headers = {**(case.headers or {}), **callers[caller]}
            response = case.call(headers=headers)
            label = (
                f"{case.method} {case.formatted_path} as {caller}"
                f" query={case.query!r} body={case.body!r} -> {response.status_code}"
            )
            assert response.status_code < 500, label
            if response.status_code >= 400:
                content_type = response.headers["content-type"][0]
                assert content_type.startswith("application/problem+json"), label

        try:
            check()
        except Exception as exc:  # an assertion, or the server's own exception re-raised
            failures.append(f"{operation.method.upper()} {operation.path}: {exc!r}"[:2000])

    assert failures == [], "\n".join(failures)
    # The run is part of the normal suite: it must stay bounded.
    if "NOHAVEN_FUZZ_EXAMPLES" not in os.environ:
        assert time.monotonic() - started < 240
