"""API fixtures: one coach over the real playbook (SQLite + embedded Chroma), apps around it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.config import Settings
from bot.factory import build_coach, create_app
from bot.service import Coach
from tests.api.script import MAX_TURNS, answer

UNLIMITED = 1_000_000
# Without API keys the app answers only a loopback Host, as a browser on this machine sends it.
LOCAL = "http://localhost"
KEY_ONE, KEY_TWO = "key-one-0123456789", "key-two-0123456789"  # keys need 16 characters


@pytest.fixture(scope="session")
def api_settings(indexed_settings: Settings) -> Settings:
    """The indexed playbook, with rate limiting out of the way of functional tests."""
    return indexed_settings.model_copy(update={"rate_limit_per_minute": UNLIMITED})


@pytest.fixture(scope="session")
def coach(api_settings: Settings) -> Coach:
    """One coach for the API tests; every test opens its own sessions."""
    return build_coach(api_settings)


def client_for(settings: Settings, coach: Coach) -> TestClient:
    """A client for a fresh app around the shared coach (500s come back as responses)."""
    return TestClient(create_app(settings, coach), raise_server_exceptions=False, base_url=LOCAL)


@pytest.fixture
def client(api_settings: Settings, coach: Coach) -> Iterator[TestClient]:
    """An app with no API keys: every caller is owner `local`."""
    with client_for(api_settings, coach) as c:
        yield c


@pytest.fixture
def keyed_settings(api_settings: Settings) -> Settings:
    """Two API keys configured."""
    keys = [SecretStr(KEY_ONE), SecretStr(KEY_TWO)]
    return api_settings.model_copy(update={"api_keys": keys})


def bearer(key: str) -> dict[str, str]:
    """The Authorization header for a key."""
    return {"Authorization": f"Bearer {key}"}


def run_interview(
    client: TestClient, headers: dict[str, str] | None = None, pilot: str | None = "Triage"
) -> tuple[str, list[dict[str, Any]]]:
    """Start a session and answer until the coach says done; (session id, turns)."""
    started = client.post("/v1/sessions", json={"pilot_name": pilot}, headers=headers)
    assert started.status_code == 201, started.text
    session_id = started.json()["session_id"]
    turns: list[dict[str, Any]] = []
    for n in range(MAX_TURNS):
        resp = client.post(f"/v1/sessions/{session_id}/messages", json={"text": answer(n)}, headers=headers)
        assert resp.status_code == 200, resp.text
        turns.append(resp.json())
        if turns[-1]["done"]:
            return session_id, turns
    raise AssertionError(f"interview not done after {MAX_TURNS} answers")
