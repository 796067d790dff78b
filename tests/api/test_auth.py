"""API keys: 401 without a good one, each key sees only its own sessions, 429 per key."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.api.deps import owner_id
from bot.config import Settings
from bot.service import Coach
from tests.api.conftest import bearer, client_for, run_interview
from tests.api.test_errors import error_of


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic a2V5LW9uZQ=="},
        {"Authorization": "Bearer "},
        {"Authorization": "key-one"},
    ],
)
def test_missing_or_bad_key_is_401(keyed_settings: Settings, coach: Coach, headers: dict) -> None:
    with client_for(keyed_settings, coach) as client:
        resp = client.post("/v1/sessions", headers=headers)
    assert "key" in error_of(resp, 401, "unauthorized").lower()


def test_probes_and_page_need_no_key(keyed_settings: Settings, coach: Coach) -> None:
    with client_for(keyed_settings, coach) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/").status_code == 200
        assert client.get("/static/app.js").status_code == 200


def test_each_key_sees_only_its_own_sessions(keyed_settings: Settings, coach: Coach) -> None:
    one, two = bearer("key-one"), bearer("key-two")
    with client_for(keyed_settings, coach) as client:
        sid, _ = run_interview(client, headers=one)
        stored = len(coach.store.list_messages(sid))
        for method, path, body in [
            ("GET", f"/v1/sessions/{sid}", None),
            ("GET", f"/v1/sessions/{sid}/report", None),
            ("POST", f"/v1/sessions/{sid}/messages", {"text": "let me in"}),
        ]:
            error_of(client.request(method, path, json=body, headers=two), 404, "not_found")
        assert client.get(f"/v1/sessions/{sid}", headers=one).status_code == 200
    assert len(coach.store.list_messages(sid)) == stored
    record = coach.store.get_session(sid)
    assert record.owner == owner_id("key-one") and "key-one" not in record.owner


def test_without_keys_everyone_is_local(client: TestClient, coach: Coach) -> None:
    sid = client.post("/v1/sessions", headers=bearer("anything")).json()["session_id"]
    assert coach.store.get_session(sid).owner == "local"


def test_rate_limit_is_per_key_with_retry_after(keyed_settings: Settings, coach: Coach) -> None:
    limited = keyed_settings.model_copy(update={"rate_limit_per_minute": 3})
    with client_for(limited, coach) as client:
        codes = [client.post("/v1/sessions", headers=bearer("key-one")).status_code for _ in range(3)]
        assert codes == [201, 201, 201]
        resp = client.post("/v1/sessions", headers=bearer("key-one"))
        assert "wait" in error_of(resp, 429, "rate_limited")
        assert int(resp.headers["Retry-After"]) >= 1
        assert client.post("/v1/sessions", headers=bearer("key-two")).status_code == 201


def test_rate_limit_without_keys_applies_to_local(api_settings: Settings, coach: Coach) -> None:
    limited = api_settings.model_copy(update={"rate_limit_per_minute": 1, "api_keys": []})
    with client_for(limited, coach) as client:
        assert client.get("/v1/sessions/x").status_code == 404
        error_of(client.get("/v1/sessions/x"), 429, "rate_limited")


def test_owner_id_is_stable_and_distinct() -> None:
    assert owner_id("a") == owner_id("a") != owner_id("b")
    assert len(owner_id(SecretStr("k").get_secret_value())) > 8
