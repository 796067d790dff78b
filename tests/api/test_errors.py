"""Every failure answers in one JSON shape with a sentence a person can act on."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.factory import create_app
from bot.service import Coach
from tests.api.conftest import LOCAL


def error_of(resp: httpx.Response, status: int, code: str) -> str:
    """Assert the one error shape; return the message."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    message = body["error"]["message"]
    assert message.endswith((".", "?")) and "Traceback" not in resp.text
    return str(message)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/sessions/nope", None),
        ("GET", "/v1/sessions/nope/report", None),
        ("POST", "/v1/sessions/nope/messages", {"text": "hello"}),
    ],
)
def test_unknown_session_is_404(client: TestClient, method: str, path: str, body: Any) -> None:
    message = error_of(client.request(method, path, json=body), 404, "not_found")
    assert "nope" in message


def test_unknown_route_and_method(client: TestClient) -> None:
    assert "/docs" in error_of(client.get("/v1/nothing"), 404, "not_found")
    error_of(client.delete("/v1/sessions"), 405, "method_not_allowed")


def test_oversized_message_is_413(client: TestClient, api_settings: Settings) -> None:
    sid = client.post("/v1/sessions").json()["session_id"]
    text = "word " * (api_settings.max_message_chars // 5 + 10)
    message = error_of(client.post(f"/v1/sessions/{sid}/messages", json={"text": text}), 413, "too_large")
    assert "shorten" in message


def test_oversized_body_is_refused_before_parsing(client: TestClient) -> None:
    junk = b"{" * 2_000_000  # would be a 422 if it were parsed
    resp = client.post("/v1/assessments", content=junk, headers={"content-type": "application/json"})
    assert "bytes" in error_of(resp, 413, "too_large")


def test_oversized_chunked_body_is_refused(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 10_000

    resp = client.post("/v1/assessments", content=chunks(), headers={"content-type": "application/json"})
    error_of(resp, 413, "too_large")


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({}, "text"),
        ({"text": 42}, "text"),
        ({"txt": "hi"}, "text"),
    ],
)
def test_malformed_body_is_422(client: TestClient, payload: Any, needle: str) -> None:
    sid = client.post("/v1/sessions").json()["session_id"]
    resp = client.post(f"/v1/sessions/{sid}/messages", json=payload)
    assert needle in error_of(resp, 422, "invalid_request")


def test_invalid_json_is_422(client: TestClient) -> None:
    resp = client.post("/v1/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert "not valid JSON" in error_of(resp, 422, "invalid_request")


def test_empty_or_binary_text_is_422(client: TestClient) -> None:
    sid = client.post("/v1/sessions").json()["session_id"]
    empty = client.post(f"/v1/sessions/{sid}/messages", json={"text": "   "})
    assert "text: is empty" in error_of(empty, 422, "invalid_request")
    binary = client.post(f"/v1/sessions/{sid}/messages", json={"text": "\x00\x01\x02"})
    assert "binary" in error_of(binary, 422, "invalid_input")


def test_bad_report_format_is_422(client: TestClient) -> None:
    sid = client.post("/v1/sessions").json()["session_id"]
    error_of(client.get(f"/v1/sessions/{sid}/report?format=xml"), 422, "invalid_request")


def test_unexpected_error_is_500_without_a_trace(
    api_settings: Settings, coach: Coach, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(api_settings, coach)

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)  # a route that fails like a bug would
    with TestClient(app, raise_server_exceptions=False, base_url=LOCAL) as client, caplog.at_level(logging.ERROR):
        resp = client.get("/boom")
    message = error_of(resp, 500, "internal")
    assert "secret internals" not in resp.text and "error id" in message
    ref = message.rsplit(" ", 1)[-1].rstrip(".")
    assert any(ref in r.getMessage() for r in caplog.records)
    assert 'coach_errors_total{code="internal"} 1.0' in client.get("/metrics").text


def test_unavailable_store_is_503(tmp_path: Any, api_settings: Settings) -> None:
    from bot.factory import build_coach

    settings = api_settings.model_copy(update={"data_dir": tmp_path / "d"})
    broken = build_coach(settings)
    app = create_app(settings, broken)
    (tmp_path / "d" / "coach.db").unlink()
    (tmp_path / "d" / "coach.db").mkdir()  # the database file is now a directory
    broken.store.close()
    with TestClient(app, raise_server_exceptions=False, base_url=LOCAL) as client:
        message = error_of(client.post("/v1/sessions"), 503, "unavailable")
        ready = client.get("/readyz")
    assert "COACH_DATA_DIR" in message
    assert ready.status_code == 503
    body = json.loads(ready.text)
    assert body["error"]["code"] == "unavailable" and "store" in body["error"]["message"]
    assert body["checks"]["store"] != "ok" and body["checks"]["engine"].startswith("ok")


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b'{"question": "caf\xe9?"}', "not UTF-8"),  # Latin-1, not UTF-8
        (b'{"question": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nests too deeply"),
        (b'{"question": "hi", "n": ' + b"9" * 5000 + b"}", "too many digits"),
    ],
)
def test_a_body_the_json_parser_cannot_read_is_422_in_the_one_shape(
    client: TestClient, body: bytes, needle: str
) -> None:
    resp = client.post("/v1/ask", content=body, headers={"content-type": "application/json"})
    message = error_of(resp, 422, "invalid_request")
    assert needle in message and "/docs" in message
    assert "error parsing the body" not in resp.text


def test_a_5000_digit_id_in_a_path_is_404_in_one_short_sentence(client: TestClient) -> None:
    message = error_of(client.get("/v1/pilots/" + "9" * 5000), 404, "not_found")
    assert message.startswith("No pilot '9999") and len(message) < 200  # the id is not echoed whole
