"""`Idempotency-Key`: a client's retry of a turn gets the stored reply, applied once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.service import Coach
from tests.api.script import answer
from tests.api.test_sessions import parse_sse


def start(client: TestClient) -> str:
    return str(client.post("/v1/sessions", json={}).json()["session_id"])


def send(client: TestClient, sid: str, text: str, key: str, **headers: str) -> object:
    return client.post(f"/v1/sessions/{sid}/messages", json={"text": text}, headers={"Idempotency-Key": key, **headers})


def test_a_retry_with_the_same_key_returns_the_stored_reply_once(client: TestClient, coach: Coach) -> None:
    sid = start(client)
    first = send(client, sid, answer(0), "turn-0001")
    again = send(client, sid, answer(0), "turn-0001")
    assert first.status_code == again.status_code == 200  # type: ignore[attr-defined]
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"  # type: ignore[attr-defined]
    body, replay = first.json(), again.json()  # type: ignore[attr-defined]
    assert replay == {**body, "replayed": True} and body["question_id"]
    assert [m.role for m in coach.store.list_messages(sid)] == ["coach", "user", "coach"]
    nxt = send(client, sid, answer(1), "turn-0002").json()  # type: ignore[attr-defined]
    assert nxt["question_id"] != body["question_id"]  # the next answer lands on the next question


def test_the_same_key_with_another_message_is_409_and_stores_nothing(client: TestClient, coach: Coach) -> None:
    sid = start(client)
    send(client, sid, answer(0), "k-reused")
    resp = send(client, sid, answer(1), "k-reused")
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "conflict"  # type: ignore[attr-defined]
    assert len(coach.store.list_messages(sid)) == 3


def test_a_streamed_retry_replays_the_stored_reply(client: TestClient, coach: Coach) -> None:
    sid = start(client)
    body = send(client, sid, answer(0), "sse-key-1").json()  # type: ignore[attr-defined]
    resp = send(client, sid, answer(0), "sse-key-1", Accept="text/event-stream")
    events = parse_sse(resp.text)  # type: ignore[attr-defined]
    done = events[-1][1]
    assert events[-1][0] == "done" and done == {**body, "replayed": True}
    assert "".join(d["text"] for name, d in events if name == "token") == body["reply"]
    assert len(coach.store.list_messages(sid)) == 3


def test_a_malformed_key_is_422(client: TestClient, coach: Coach) -> None:
    sid = start(client)
    resp = send(client, sid, answer(0), "x" * 201)
    assert resp.status_code == 422  # type: ignore[attr-defined]
    assert len(coach.store.list_messages(sid)) == 1
