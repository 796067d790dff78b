"""Quick replies over HTTP: each question comes with its answer options; sending one answers it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.models import Report
from tests.api.script import answer
from tests.api.test_sessions import parse_sse


def _to_first_area(client: TestClient) -> tuple[str, dict]:
    started = client.post("/v1/sessions", json={"pilot_name": "Triage"}).json()
    assert started["choices"] == []  # "what does it do" has no options
    sid, turn = started["session_id"], started
    for n in range(4):
        turn = client.post(f"/v1/sessions/{sid}/messages", json={"text": answer(n)}).json()
    return sid, turn


def test_the_name_is_asked_when_not_given_and_titles_the_report(client: TestClient) -> None:
    started = client.post("/v1/sessions").json()
    assert "call the pilot" in started["reply"]
    sid = started["session_id"]
    client.post(f"/v1/sessions/{sid}/messages", json={"text": "Support triage"})
    assert client.get(f"/v1/sessions/{sid}").json()["pilot_name"] == "Support triage"
    md = client.get(f"/v1/sessions/{sid}/report", params={"format": "md"}).text
    assert md.startswith("# Readiness report: Support triage")


def test_each_question_returns_its_options_and_a_value_answers_it(client: TestClient) -> None:
    sid, turn = _to_first_area(client)
    assert turn["topic"] == "data_pipeline" and turn["question_id"] == "data_source"
    assert [c["status"] for c in turn["choices"]] == ["ready", "gap", "unknown"]
    assert all(set(c) == {"label", "value", "status"} for c in turn["choices"])
    unsure = next(c for c in turn["choices"] if c["status"] == "unknown")
    resp = client.post(
        f"/v1/sessions/{sid}/messages", json={"text": unsure["value"]}, headers={"Accept": "text/event-stream"}
    )
    done = parse_sse(resp.text)[-1][1]
    assert done["question_id"] == "data_full_volume" and len(done["choices"]) == 3  # the next question, in order
    report = Report.model_validate(client.get(f"/v1/sessions/{sid}/report").json())
    data = next(d for d in report.dimensions if d.id == "data_pipeline")
    assert data.status == "unknown" and "data_pipeline" in {q.dimension for q in report.open_questions}


def test_the_schema_documents_choices(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert set(schemas["Choice"]["properties"]) == {"label", "value", "status"}
    for name in ("TurnOut", "SessionStarted", "SessionOut"):
        assert schemas[name]["properties"]["choices"]["items"] == {"$ref": "#/components/schemas/Choice"}


def test_a_reloaded_session_returns_the_last_questions_options(client: TestClient) -> None:
    sid, turn = _to_first_area(client)
    view = client.get(f"/v1/sessions/{sid}").json()
    assert view["choices"] == turn["choices"] and len(view["choices"]) == 3  # the question still open
    nxt = client.post(f"/v1/sessions/{sid}/messages", json={"text": turn["choices"][0]["value"]}).json()
    assert client.get(f"/v1/sessions/{sid}").json()["choices"] == nxt["choices"] != turn["choices"]
