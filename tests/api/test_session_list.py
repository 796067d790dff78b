"""GET /v1/sessions (earlier interviews, scoped to the key or the browser), the report by Accept,
and the per-status error examples in the OpenAPI schema."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from bot.config import Settings
from bot.service import Coach
from tests.api.conftest import KEY_ONE, KEY_TWO, bearer, client_for, run_interview


def browser() -> dict[str, str]:
    """The header a fresh browser's page sends."""
    return {"X-Coach-Client": uuid.uuid4().hex}


def started(client: TestClient, headers: dict[str, str], pilot: str | None = None) -> str:
    resp = client.post("/v1/sessions", json={"pilot_name": pilot} if pilot else {}, headers=headers)
    assert resp.status_code == 201, resp.text
    return str(resp.json()["session_id"])


def listed(client: TestClient, headers: dict[str, str] | None = None, **params: int) -> list[dict]:
    resp = client.get("/v1/sessions", headers=headers, params=params)
    assert resp.status_code == 200, resp.text
    return list(resp.json()["sessions"])


def test_without_keys_each_browser_sees_its_own_interviews(client: TestClient) -> None:
    one, two = browser(), browser()
    mine = [started(client, one, "Alpha"), started(client, one)]
    theirs = started(client, two, "Beta")
    assert [s["session_id"] for s in listed(client, one)] == mine[::-1]  # most recent first
    assert [s["session_id"] for s in listed(client, two)] == [theirs]
    assert listed(client, browser()) == []
    everything = {s["session_id"] for s in listed(client, limit=100)}  # no header: the whole machine's
    assert {*mine, theirs} <= everything
    assert [s["session_id"] for s in listed(client, one, limit=1)] == [mine[1]]
    alpha = listed(client, one)[1]
    assert alpha["pilot_name"] == "Alpha" and alpha["done"] is False and alpha["verdict"] is None


def test_a_finished_interview_lists_its_report(client: TestClient) -> None:
    one = browser()
    session_id, turns = run_interview(client, headers=one, pilot="Triage")
    [item] = listed(client, one)
    assert item["session_id"] == session_id and item["done"] is True
    assert item["assessment_id"] == turns[-1]["assessment_id"] is not None
    report = client.get(f"/v1/sessions/{session_id}/report").json()
    assert item["verdict"] == report["verdict"]
    assert item["first_answer"].startswith("A support triage assistant")


def test_with_keys_the_list_is_the_key_s(keyed_settings: Settings, coach: Coach) -> None:
    with client_for(keyed_settings, coach) as client:
        same_browser = browser()
        one = started(client, {**bearer(KEY_ONE), **same_browser})
        two = started(client, {**bearer(KEY_TWO), **same_browser})
        assert one in {s["session_id"] for s in listed(client, bearer(KEY_ONE), limit=100)}
        assert two not in {s["session_id"] for s in listed(client, {**bearer(KEY_ONE), **same_browser}, limit=100)}
        assert client.get("/v1/sessions").status_code == 401


def test_a_malformed_browser_id_is_422(client: TestClient) -> None:
    resp = client.get("/v1/sessions", headers={"X-Coach-Client": "short"})
    assert resp.status_code == 422
    assert "X-Coach-Client" in resp.json()["error"]["message"]


def test_accept_markdown_gets_markdown(client: TestClient) -> None:
    session_id = started(client, browser())
    md = client.get(f"/v1/sessions/{session_id}/report", headers={"Accept": "text/markdown"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Readiness report") and "Accept" in md.headers["vary"]
    plain = client.get(f"/v1/sessions/{session_id}/report", headers={"Accept": "application/json"})
    assert plain.headers["content-type"] == "application/json" and "verdict" in plain.json()
    forced = client.get(f"/v1/sessions/{session_id}/report?format=json", headers={"Accept": "text/markdown"})
    assert forced.headers["content-type"] == "application/json"


def test_each_error_status_has_its_own_example(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    responses = schema["paths"]["/v1/sessions/{session_id}/messages"]["post"]["responses"]
    codes = {}
    for status in ("401", "404", "413", "422", "429"):
        media = responses[status]["content"]["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/ErrorBody"}, status
        codes[status] = media["example"]["error"]["code"]
    assert codes == {
        "401": "unauthorized",
        "404": "not_found",
        "413": "too_large",
        "422": "invalid_request",
        "429": "rate_limited",
    }
    # routes other adapters mount get the same: the pilots 404 and 422 (not FastAPI's 422 shape)
    pilots = schema["paths"]["/v1/pilots"]["post"]["responses"]
    assert pilots["404"]["content"]["application/json"]["example"]["error"]["code"] == "not_found"
    assert pilots["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
