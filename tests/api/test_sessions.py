"""Interviews through the HTTP API: JSON turns, SSE streaming, transcripts and reports."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from bot.models import Report
from bot.service import Coach
from tests.api.conftest import run_interview
from tests.api.script import MAX_TURNS, answer

DIMENSIONS = [
    "data_pipeline",
    "roi_ownership",
    "governance",
    "workflow_adoption",
    "legacy_integration",
    "mlops_observability",
]


def parse_sse(body: str) -> list[tuple[str, dict]]:
    """(event, data) pairs from a text/event-stream body."""
    events = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_start_returns_first_question(client: TestClient) -> None:
    resp = client.post("/v1/sessions", json={"pilot_name": "Claims bot"})
    assert resp.status_code == 201
    body = resp.json()
    assert set(body) == {"session_id", "reply", "topic", "done", "choices"}
    assert body["topic"] == "intro" and body["done"] is False
    assert "Claims bot" in body["reply"]


def test_start_without_body(client: TestClient) -> None:
    resp = client.post("/v1/sessions")
    assert resp.status_code == 201
    assert resp.json()["topic"] == "intro"


def test_full_interview_reaches_done_with_a_report(client: TestClient) -> None:
    session_id, turns = run_interview(client)
    topics = [t["topic"] for t in turns]
    assert topics[0] == "intro" and topics[-1] == "done"
    assert [t for t in DIMENSIONS if t in topics] == DIMENSIONS
    assert set(turns[-1]) == {
        "reply",
        "topic",
        "done",
        "citations",
        "question_id",
        "options",
        "choices",
        "assessment_id",
        "replayed",
    }
    assert "Verdict" in turns[-1]["reply"]
    assert turns[-1]["options"] == ["report", "restart"] and turns[-1]["assessment_id"] is not None
    assert all(t["assessment_id"] is None for t in turns[:-1])

    report = Report.model_validate(client.get(f"/v1/sessions/{session_id}/report").json())
    assert report.assessment_id == turns[-1]["assessment_id"]
    assert report.pilot_name == "Triage"
    assert report.verdict == "not_ready"
    assert {g.dimension for g in report.gaps} >= {"data_pipeline", "roi_ownership"}
    assert all(g.actions and g.citations for g in report.gaps)
    assert [d.id for d in report.dimensions] == DIMENSIONS

    md = client.get(f"/v1/sessions/{session_id}/report", params={"format": "md"})
    assert md.status_code == 200
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Readiness report: Triage")
    assert all(g.title in md.text for g in report.gaps)


def test_session_view_keeps_transcript_and_progress(client: TestClient) -> None:
    session_id, turns = run_interview(client)
    view = client.get(f"/v1/sessions/{session_id}").json()
    assert view["done"] is True and view["topic"] == "done"
    assert [p["dimension"] for p in view["progress"]] == DIMENSIONS
    assert {p["state"] for p in view["progress"]} <= {"done", "skipped"}
    assert all(p["title"] for p in view["progress"])
    user = [m["text"] for m in view["messages"] if m["role"] == "user"]
    assert user == [answer(n) for n in range(len(turns))]
    assert len(view["messages"]) == 1 + 2 * len(turns)
    assert view["messages"][-1]["text"] == turns[-1]["reply"]


def test_progress_moves_while_answering(client: TestClient) -> None:
    sid = client.post("/v1/sessions", json={"pilot_name": "Triage"}).json()["session_id"]

    def states() -> dict[str, str]:
        progress = client.get(f"/v1/sessions/{sid}").json()["progress"]
        return {p["dimension"]: p["state"] for p in progress}

    for n in range(4):  # the opening questions
        client.post(f"/v1/sessions/{sid}/messages", json={"text": answer(n)})
    assert states()["data_pipeline"] == "current"
    assert client.post(f"/v1/sessions/{sid}/messages", json={"text": "skip"}).json()["topic"] == ("roi_ownership")
    now = states()
    assert (now["data_pipeline"], now["roi_ownership"], now["governance"]) == ("skipped", "current", "pending")


def test_sse_streams_tokens_then_done(client: TestClient, coach: Coach) -> None:
    sid = client.post("/v1/sessions", json={}).json()["session_id"]
    resp = client.post(
        f"/v1/sessions/{sid}/messages",
        json={"text": answer(0)},
        headers={"Accept": "text/event-stream"},
    )
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(resp.text)
    names = [name for name, _ in events]
    assert names[-1] == "done" and set(names[:-1]) == {"token"} and len(names) > 3
    done = events[-1][1]
    assert set(done) == {
        "reply",
        "topic",
        "done",
        "citations",
        "question_id",
        "options",
        "choices",
        "assessment_id",
        "replayed",
    }
    assert "".join(data["text"] for _, data in events[:-1]) == done["reply"]
    stored = [m.text for m in coach.store.list_messages(sid)]
    assert stored[-2:] == [answer(0), done["reply"]]


def test_sse_error_before_streaming_is_plain_json(client: TestClient) -> None:
    resp = client.post("/v1/sessions/nope/messages", json={"text": "hi"}, headers={"Accept": "text/event-stream"})
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "not_found"


def test_report_before_done_lists_open_questions(client: TestClient) -> None:
    sid = client.post("/v1/sessions", json={}).json()["session_id"]
    client.post(f"/v1/sessions/{sid}/messages", json={"text": answer(0)})
    report = client.get(f"/v1/sessions/{sid}/report").json()
    assert report["open_questions"]
    assert {d["status"] for d in report["dimensions"]} == {"unknown"}


def test_assessment_of_free_text(client: TestClient) -> None:
    text = "\n\n".join([answer(4), answer(5), answer(9)])
    resp = client.post("/v1/assessments", json={"text": text, "pilot_name": "Doc"})
    assert resp.status_code == 200
    report = Report.model_validate(resp.json())
    assert report.pilot_name == "Doc"
    assert {"data_pipeline", "mlops_observability"} <= {g.dimension for g in report.gaps}


def test_ask_answers_with_citations_and_says_when_out_of_scope(client: TestClient) -> None:
    good = client.post("/v1/ask", json={"question": "What does good governance look like?"})
    assert good.status_code == 200
    body = good.json()
    assert body["in_scope"] is True and body["citations"]
    assert set(body) == {"answer", "citations", "in_scope"}
    off = client.post("/v1/ask", json={"question": "What is the best pizza topping in Naples?"})
    assert off.json()["in_scope"] is False


def test_markdown_report_escapes_html_from_names_and_quotes(client: TestClient) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    started = client.post("/v1/sessions", json={"pilot_name": f"Triage {hostile}"}).json()
    sid, done = started["session_id"], False
    for n in range(MAX_TURNS):
        text = answer(n).replace("a separate tab", "a separate <script>alert(1)</script> [tab](javascript:alert(1))")
        done = client.post(f"/v1/sessions/{sid}/messages", json={"text": text}).json()["done"]
        if done:
            break
    assert done
    md = client.get(f"/v1/sessions/{sid}/report", params={"format": "md"}).text
    assert md.startswith("# Readiness report: Triage &lt;img src=x onerror=alert(1)&gt;")
    assert "<img" not in md and "<script" not in md
    assert re.search(r"(?<!\\)\]\(javascript:", md) is None  # no live link either
    assert "separate &lt;script&gt;alert(1)&lt;/script&gt; \\[tab\\](javascript:alert(1))" in md  # the quote, as text


def test_a_resumed_session_keeps_each_answers_sources(client: TestClient) -> None:
    sid = client.post("/v1/sessions", json={"pilot_name": "Triage"}).json()["session_id"]
    turn = client.post(
        f"/v1/sessions/{sid}/messages", json={"text": "When should compliance first see our pilot?"}
    ).json()
    assert turn["citations"] and "[1]" in turn["reply"]
    view = client.get(f"/v1/sessions/{sid}").json()
    coach = [m for m in view["messages"] if m["role"] == "coach"]
    assert coach[0]["citations"] == []  # the greeting cites nothing
    assert coach[-1]["text"] == turn["reply"] and coach[-1]["citations"] == turn["citations"]
