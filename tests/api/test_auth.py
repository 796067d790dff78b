"""API keys: 401 without a good one, each key sees only its own sessions, 429 per key."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.api.deps import owner_id
from bot.api.guard import GuessLimiter
from bot.config import Settings, get_settings
from bot.errors import ConfigError
from bot.service import Coach
from tests.api.conftest import KEY_ONE, KEY_TWO, bearer, client_for, run_interview
from tests.api.test_errors import error_of


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic a2V5LW9uZS0wMTIzNDU2Nzg5"},
        {"Authorization": "Bearer "},
        {"Authorization": KEY_ONE},
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
    one, two = bearer(KEY_ONE), bearer(KEY_TWO)
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
    assert record.owner == owner_id(KEY_ONE) and KEY_ONE not in record.owner


def test_without_keys_everyone_is_local(client: TestClient, coach: Coach) -> None:
    sid = client.post("/v1/sessions", headers=bearer("anything")).json()["session_id"]
    assert coach.store.get_session(sid).owner == "local"


def test_rate_limit_is_per_key_with_retry_after(keyed_settings: Settings, coach: Coach) -> None:
    limited = keyed_settings.model_copy(update={"rate_limit_per_minute": 3})
    with client_for(limited, coach) as client:
        codes = [client.post("/v1/sessions", headers=bearer(KEY_ONE)).status_code for _ in range(3)]
        assert codes == [201, 201, 201]
        resp = client.post("/v1/sessions", headers=bearer(KEY_ONE))
        assert "wait" in error_of(resp, 429, "rate_limited")
        assert int(resp.headers["Retry-After"]) >= 1
        assert client.post("/v1/sessions", headers=bearer(KEY_TWO)).status_code == 201


def test_rate_limit_without_keys_applies_to_local(api_settings: Settings, coach: Coach) -> None:
    limited = api_settings.model_copy(update={"rate_limit_per_minute": 1, "api_keys": []})
    with client_for(limited, coach) as client:
        assert client.get("/v1/sessions/x").status_code == 404
        error_of(client.get("/v1/sessions/x"), 429, "rate_limited")


def test_owner_id_is_stable_and_distinct() -> None:
    assert owner_id("a") == owner_id("a") != owner_id("b")
    assert len(owner_id(SecretStr("k").get_secret_value())) > 8


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:9999", "[::1]:8000", "LOCALHOST"])
def test_keyless_mode_answers_a_loopback_host(client: TestClient, host: str) -> None:
    assert client.post("/v1/sessions", headers={"Host": host}).status_code == 201


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "127.0.0.1.nip.io", "10.0.0.5"])
def test_keyless_mode_refuses_any_other_host(client: TestClient, coach: Coach, host: str) -> None:
    before = len(coach.store.list_sessions(owner="local"))
    for method, path in [("POST", "/v1/sessions"), ("GET", "/"), ("GET", "/v1/pilots"), ("GET", "/healthz")]:
        resp = client.request(method, path, headers={"Host": host})
        assert "COACH_ALLOWED_HOSTS" in error_of(resp, 400, "invalid_host")
    assert len(coach.store.list_sessions(owner="local")) == before


def test_allowed_hosts_setting_adds_names(api_settings: Settings, coach: Coach) -> None:
    extra = api_settings.model_copy(update={"allowed_hosts": ["coach.internal"]})
    with client_for(extra, coach) as client:
        assert client.post("/v1/sessions", headers={"Host": "coach.internal:8000"}).status_code == 201
        error_of(client.post("/v1/sessions", headers={"Host": "other.internal"}), 400, "invalid_host")
    assert get_settings(allowed_hosts="a.example, b.example").allowed_hosts == ["a.example", "b.example"]


def test_with_keys_any_host_is_served(keyed_settings: Settings, coach: Coach) -> None:
    with client_for(keyed_settings, coach) as client:
        resp = client.post("/v1/sessions", headers=bearer(KEY_ONE) | {"Host": "coach.example.com"})
    assert resp.status_code == 201


def test_wrong_keys_are_rate_limited_per_client_address(keyed_settings: Settings, coach: Coach) -> None:
    with client_for(keyed_settings, coach) as client:
        codes = [client.post("/v1/sessions", headers=bearer(f"guess-{n:012d}")).status_code for n in range(10)]
        assert codes == [401] * 10
        blocked = client.post("/v1/sessions", headers=bearer(f"guess-{11:012d}"))
        assert "wrong API keys" in error_of(blocked, 429, "rate_limited")
        assert 1 <= int(blocked.headers["Retry-After"]) <= 60
        # once blocked, even the right key is refused from that address: a guess can't be confirmed
        error_of(client.post("/v1/sessions", headers=bearer(KEY_ONE)), 429, "rate_limited")
    with client_for(keyed_settings, coach) as other:  # another address (a fresh app's limiter)
        assert other.post("/v1/sessions", headers=bearer(KEY_ONE)).status_code == 201


def test_missing_keys_are_not_counted_as_guesses(keyed_settings: Settings, coach: Coach) -> None:
    with client_for(keyed_settings, coach) as client:
        assert {client.post("/v1/sessions").status_code for _ in range(15)} == {401}
        assert client.post("/v1/sessions", headers=bearer(KEY_ONE)).status_code == 201


def test_guess_limiter_forgets_after_a_minute() -> None:
    now = [0.0]
    limiter = GuessLimiter(3, clock=lambda: now[0])
    for _ in range(3):
        limiter.failed("10.0.0.1")
    assert limiter.wait("10.0.0.1") == pytest.approx(60.0) and limiter.wait("10.0.0.2") == 0
    now[0] = 30.0
    assert limiter.wait("10.0.0.1") == pytest.approx(30.0)
    now[0] = 60.5
    assert limiter.wait("10.0.0.1") == 0


@pytest.mark.parametrize("keys", ["a", "short-key", "0123456789abcdef,tooshort"])
def test_api_keys_under_16_characters_are_refused_in_one_sentence(keys: str) -> None:
    with pytest.raises(ConfigError) as info:
        get_settings(api_keys=keys)
    message = str(info.value)
    assert message.startswith("COACH_API_KEYS: ") and "16 characters" in message
    assert message.count(". ") == 0 and "\n" not in message and "short-key" not in message
    assert len(get_settings(api_keys="0123456789abcdef").api_keys) == 1
