"""healthz, readyz and metrics on the real app."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bot.config import Settings
from bot.factory import build_coach, create_app
from bot.service import Coach
from tests.api.conftest import LOCAL, client_for
from tests.conftest import make_settings


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_when_everything_is_usable(client: TestClient) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready" and body["engine"] == "offline"
    assert body["checks"]["store"] == "ok"
    assert re.fullmatch(r"ok \(\d+ passages\)", body["checks"]["index"])


def test_readyz_names_an_empty_index(tmp_path: object) -> None:
    settings = make_settings(tmp_path / "empty")  # type: ignore[operator]
    with client_for(settings, build_coach(settings)) as client:
        resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.json()
    assert "coach index" in body["error"]["message"] and "index" in body["error"]["message"]
    assert body["checks"]["store"] == "ok" and "empty" in body["checks"]["index"]


def test_app_builds_its_coach_at_startup(api_settings: Settings) -> None:
    app = create_app(api_settings)
    cold = TestClient(app, raise_server_exceptions=False, base_url=LOCAL)  # no lifespan: no coach yet
    assert cold.get("/readyz").status_code == 503
    assert cold.post("/v1/sessions").json()["error"]["code"] == "unavailable"
    with TestClient(app, base_url=LOCAL) as client:
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/sessions").status_code == 201


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        sample, _, value = line.rpartition(" ")
        if sample == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    return 0.0


def test_metrics_count_requests_latency_and_errors(api_settings: Settings, coach: Coach) -> None:
    with client_for(api_settings, coach) as client:
        sid = client.post("/v1/sessions").json()["session_id"]
        for _ in range(3):
            client.post(f"/v1/sessions/{sid}/messages", json={"text": "skip"})
        client.get("/v1/sessions/unknown")
        text = client.get("/metrics").text
    route = "/v1/sessions/{session_id}/messages"
    requests = "coach_http_requests_total"
    assert metric(text, requests, method="POST", route=route, status="200") == 3
    assert metric(text, requests, method="POST", route="/v1/sessions", status="201") == 1
    assert metric(text, requests, method="GET", route="/v1/sessions/{session_id}", status="404") == 1
    hist = "coach_http_request_duration_seconds_count"
    assert metric(text, hist, method="POST", route=route) == 3
    assert metric(text, "coach_errors_total", code="not_found") == 1
    for name in ("calls", "fallbacks", "errors", "retries"):
        assert f"coach_llm_{name}_total " in text
    assert 'coach_llm_tokens_total{kind="prompt"}' in text


def test_each_app_has_its_own_registry(api_settings: Settings, coach: Coach) -> None:
    with client_for(api_settings, coach) as first:
        first.get("/healthz")
    with client_for(api_settings, coach) as second:
        text = second.get("/metrics").text
    assert metric(text, "coach_http_requests_total", method="GET", route="/healthz", status="200") == 0
