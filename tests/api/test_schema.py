"""schemathesis against the app's own OpenAPI schema: no 5xx, responses match the schema."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.factory import create_app
from bot.service import Coach
from tests.api.conftest import KEY_ONE

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402

MAX_EXAMPLES = 25
KEY = {"Authorization": f"Bearer {KEY_ONE}"}


def check_operation(operation: Any) -> str | None:
    """Run generated cases against one operation; the failure text, or None."""

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        # The core refuses some schema-valid text (binary, control characters, over the size
        # limit) with a documented 422/413, which JSON Schema cannot express: no
        # positive_data_acceptance check. Every other check runs, not_a_server_error included.
        case.call_and_validate(headers=KEY, excluded_checks=[positive_data_acceptance])

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # a group of failures with a readable report
        return f"{operation.label}: {exc}"
    return None


OWN_PATHS = ("/v1/sessions", "/v1/assessments", "/v1/ask", "/healthz", "/readyz", "/metrics")


def failures_for(settings: Settings, coach: Coach, own: bool) -> tuple[set[str], list[str]]:
    """(operation labels, failure reports) for this API's routes or for mounted extensions."""
    app = create_app(settings, coach)  # with keys, so wrong keys must be refused
    with TestClient(app):  # lifespan run: what a server would expose, extensions included
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [r.ok() for r in schema.get_all_operations()]
        chosen = [op for op in operations if op.path.startswith(OWN_PATHS) == own]
        # schemathesis' pytest plugin breaks on pytest 9 (Function._nodeid): drive it directly
        return {op.label for op in chosen}, [f for f in map(check_operation, chosen) if f]


def test_api_conforms_to_its_schema(keyed_settings: Settings, coach: Coach) -> None:
    labels, failures = failures_for(keyed_settings, coach, own=True)
    assert {"POST /v1/sessions", "POST /v1/sessions/{session_id}/messages", "POST /v1/ask"} <= labels
    assert not failures, "\n\n".join(failures)


def test_mounted_extension_routes_conform(keyed_settings: Settings, coach: Coach) -> None:
    labels, failures = failures_for(keyed_settings, coach, own=False)
    assert labels, "no extension routes are mounted"
    assert not failures, "\n\n".join(failures)
