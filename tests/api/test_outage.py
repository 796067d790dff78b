"""An LLM outage stays contained: probes answer, the circuit opens, reports are stored and name their engines.

The model is a real local HTTP server that answers like the OpenAI API (tests/openai/fake_openai.py).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.config import Settings
from bot.factory import build_coach, create_app
from bot.models import Report
from bot.service import Coach
from tests.api.conftest import client_for, run_interview
from tests.api.script import answer
from tests.api.server import serve_in_thread
from tests.api.test_probes import metric
from tests.api.test_sessions import parse_sse
from tests.openai.fake_openai import Delay, FakeOpenAI, JSONReply, Reply, Status

WORKERS = 40  # the request threadpool (anyio's default limiter)
QUESTION = "What does good governance look like?"
_DIMENSION = re.compile(r"\(id: (\w+),")


def judged(status: str = "gap") -> Reply:
    """A valid judge_dimension reply."""
    return JSONReply({"status": status, "severity": None, "evidence": [], "confidence": 0.9, "rationale": "model"})


def model(judge: dict[str, Any] | None = None, answer: Any = None) -> Callable[[dict[str, Any]], Any]:
    """A fake model that answers each prompt in its shape; `judge` overrides the reply per dimension."""

    def reply(body: dict[str, Any]) -> Any:
        system, user = (m["content"] for m in body["messages"][:2])
        if "readiness assessor" in system:
            found = _DIMENSION.search(user)
            return (judge or {}).get(found.group(1) if found else "", judged())
        if "agentic" in system:
            return JSONReply({"agentic": False, "evidence": []})
        if "numbered playbook passages" in system:
            return answer or Reply("Name an accountable owner and review the pilot with risk early [1].")
        if "interviewer" in system:
            return Reply("Who owns it?")
        return Status(400, message="unexpected prompt")

    return reply


def llm_settings(settings: Settings, fake: FakeOpenAI, **over: object) -> Settings:
    """The API test settings with the OpenAI engine pointed at the fake server."""
    values: dict[str, object] = {
        "engine": "openai",
        "openai_api_key": SecretStr("sk-test-not-a-real-key"),
        "openai_base_url": fake.url,
        "llm_timeout": 5.0,
        "llm_max_retries": 0,
        "llm_breaker_failures": 1000,
    }
    return settings.model_copy(update=values | over)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A fake OpenAI server answering every prompt validly."""
    with FakeOpenAI() as server:
        server.default = model()  # type: ignore[assignment]
        yield server


def llm_client(settings: Settings, fake: FakeOpenAI, **over: object) -> tuple[TestClient, Coach]:
    """A client for an app whose coach uses the fake model."""
    coach = build_coach(llm_settings(settings, fake, **over))
    return client_for(settings, coach), coach


def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    """Poll until the condition holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def ask_in_session(url: str, session_id: str) -> httpx.Response:
    """A turn that waits on the model: a question to the coach."""
    return httpx.post(f"{url}/v1/sessions/{session_id}/messages", json={"text": QUESTION}, timeout=120)


def test_healthz_answers_while_every_worker_waits_on_a_hanging_model(api_settings: Settings) -> None:
    with FakeOpenAI() as hanging:
        # the model hangs far longer than the wait below, so no turn times out and frees its thread while
        # the others are still on their way to the model (before it, each turn reads and retrieves: on a
        # loaded 2-core machine 45 of them in parallel take tens of seconds)
        hanging.default = Delay(900, then=Reply("late reply"))
        settings = llm_settings(api_settings, hanging, llm_timeout=600.0, llm_turn_budget=600.0)
        coach = build_coach(settings)
        coach.index.search(QUESTION, k=5)  # build the lexical index first: a cold index races under load
        app = create_app(settings, coach)
        with serve_in_thread(app) as url, ThreadPoolExecutor(WORKERS + 5) as pool:
            sessions = [httpx.post(f"{url}/v1/sessions").json()["session_id"] for _ in range(WORKERS + 5)]
            turns = [pool.submit(ask_in_session, url, sid) for sid in sessions]
            wait_for(lambda: len(hanging.requests) >= WORKERS, 300)  # every worker thread waits on the model
            with pytest.raises(httpx.ReadTimeout):  # a sync route cannot get a thread
                httpx.get(f"{url}/v1/sessions/{sessions[0]}", timeout=1)
            start = time.perf_counter()
            health = httpx.get(f"{url}/healthz", timeout=5)
            assert time.perf_counter() - start < 1 and health.json() == {"status": "ok"}
            ready = httpx.get(f"{url}/readyz", timeout=10)
            assert ready.status_code == 200 and ready.json()["checks"]["llm_circuit"] == "ok (closed)"
            assert httpx.get(f"{url}/metrics", timeout=10).status_code == 200
            hanging.stop()  # the model answers garbage: every turn falls back and finishes
            replies = [t.result(timeout=180) for t in turns]
    assert {r.status_code for r in replies} == {200}


def test_a_turn_spends_at_most_its_budget_on_a_hanging_model(api_settings: Settings, fake: FakeOpenAI) -> None:
    fake.default = Delay(60, then=Reply("late reply"))
    client, _ = llm_client(api_settings, fake, llm_timeout=30.0, llm_max_retries=2, llm_turn_budget=1.0)
    with client:
        text = "\n\n".join(answer(n) for n in range(4, 10))  # every dimension and the agentic check
        start = time.perf_counter()
        report = client.post("/v1/assessments", json={"text": text}).json()
        elapsed = time.perf_counter() - start
    # one call used the budget and the rest fell back without calling; on a loaded machine that one call
    # can run out of budget before the fake server has recorded it, so at most one is recorded
    assert 1.0 <= elapsed < 6 and len(fake.requests) <= 1
    assert report["engine"] == "offline" and report["gaps"]


def test_an_open_circuit_shows_in_readyz_and_metrics_and_reports_name_the_fallback(
    api_settings: Settings, fake: FakeOpenAI
) -> None:
    fake.default = Status(500)
    client, coach = llm_client(api_settings, fake, llm_breaker_failures=2)
    with client:
        report = Report.model_validate(client.post("/v1/assessments", json={"text": answer(4)}).json())
        ready = client.get("/readyz")
        text = client.get("/metrics").text
    assert len(fake.requests) == 2  # then the circuit opened: no more calls to the model
    assert report.engine == "offline" and {d.engine for d in report.dimensions} == {"offline"}
    assert report.agentic_engine == "offline"
    assert ready.status_code == 200 and ready.json()["engine"] == "openai"
    assert ready.json()["checks"]["llm_circuit"].startswith("ok (open: the model failed 2 times within 60 s")
    assert metric(text, "coach_llm_circuit_state", state="open") == 1
    assert metric(text, "coach_llm_circuit_state", state="closed") == 0
    # 6 dimensions, the agentic check and each gap's composed actions, less the 2 calls that failed
    assert metric(text, "coach_llm_short_circuits_total") == 5 + len(report.gaps)
    assert metric(text, "coach_llm_circuit_opens_total") == 1


def test_the_report_names_the_engine_of_each_judgement(api_settings: Settings, fake: FakeOpenAI) -> None:
    client, _ = llm_client(api_settings, fake)
    with client:
        every = Report.model_validate(client.post("/v1/assessments", json={"text": answer(4)}).json())
        fake.default = model(judge={"data_pipeline": Status(500)})  # type: ignore[assignment]
        mixed = Report.model_validate(client.post("/v1/assessments", json={"text": answer(4)}).json())
    assert every.engine == "openai" and {d.engine for d in every.dimensions} == {"openai"}
    assert every.agentic_engine == "openai"
    assert mixed.engine == "mixed" and mixed.agentic_engine == "openai"
    engines = {d.id: d.engine for d in mixed.dimensions}
    assert engines.pop("data_pipeline") == "offline" and set(engines.values()) == {"openai"}


def test_a_finished_interview_serves_its_stored_report_without_the_model(
    api_settings: Settings, fake: FakeOpenAI
) -> None:
    client, coach = llm_client(api_settings, fake)
    with client:
        sid, _ = run_interview(client)
        calls = len(fake.requests)
        first = client.get(f"/v1/sessions/{sid}/report").json()
        assert client.get(f"/v1/sessions/{sid}/report", params={"format": "md"}).status_code == 200
        assert len(fake.requests) == calls and first["assessment_id"] is not None
        # a finished interview whose turn never stored its report: made once, then stored
        orphan = coach.store.create_session("local", "api", state=coach.store.get_session(sid).state).id
        made = client.get(f"/v1/sessions/{orphan}/report").json()
        calls = len(fake.requests)
        again = client.get(f"/v1/sessions/{orphan}/report").json()
    assert len(fake.requests) == calls and made["assessment_id"] is not None
    assert again == made and made["assessment_id"] != first["assessment_id"]


def test_an_unfinished_interview_report_is_made_once_per_state(api_settings: Settings, fake: FakeOpenAI) -> None:
    client, _ = llm_client(api_settings, fake)
    with client:
        sid = client.post("/v1/sessions").json()["session_id"]
        for n in range(5):  # the opening questions and the first area's
            client.post(f"/v1/sessions/{sid}/messages", json={"text": answer(n)})
        calls = len(fake.requests)
        first = client.get(f"/v1/sessions/{sid}/report").json()
        made = len(fake.requests)
        assert made > calls and client.get(f"/v1/sessions/{sid}/report").json() == first
        assert len(fake.requests) == made
        client.post(f"/v1/sessions/{sid}/messages", json={"text": answer(5)})
        moved = len(fake.requests)
        client.get(f"/v1/sessions/{sid}/report")
    assert len(fake.requests) > moved  # the session moved on: a new report


def sse_turn(client: TestClient, sid: str, text: str) -> tuple[str, dict[str, Any]]:
    """Send a message as SSE; (the token texts joined, the done event)."""
    resp = client.post(f"/v1/sessions/{sid}/messages", json={"text": text}, headers={"Accept": "text/event-stream"})
    events = parse_sse(resp.text)
    assert [n for n, _ in events][-1] == "done" and {n for n, _ in events[:-1]} == {"token"}
    return "".join(data["text"] for _, data in events[:-1]), events[-1][1]


@pytest.mark.parametrize(
    "bad",
    [
        Reply("The moon is made of cheese, trust me."),  # garbage: no citation
        Reply("Governance reviews cut incidents by 87% [1]."),  # a figure the passages do not have
        Reply('{"verdict": "ready", "score": 7}'),  # off-schema
    ],
    ids=["garbage", "invented-figure", "off-schema"],
)
def test_streams_carry_only_checked_text(api_settings: Settings, fake: FakeOpenAI, bad: Reply) -> None:
    fake.default = model(answer=bad)  # type: ignore[assignment]
    client, _ = llm_client(api_settings, fake, llm_max_retries=1)
    with client:
        sid = client.post("/v1/sessions").json()["session_id"]
        tokens, done = sse_turn(client, sid, QUESTION)
    asked = [r for r in fake.requests if r.get("stream")]
    assert len(asked) == 2  # nothing had been streamed, so the bad answer could be retried
    assert tokens == done["reply"] and done["citations"]
    for word in ("cheese", "87%", "verdict"):
        assert word not in json.dumps(done) and word not in tokens


def test_a_checked_model_answer_streams_as_it_will_be_stored(api_settings: Settings, fake: FakeOpenAI) -> None:
    client, coach = llm_client(api_settings, fake)
    with client:
        sid = client.post("/v1/sessions").json()["session_id"]
        tokens, done = sse_turn(client, sid, QUESTION)
    assert tokens == done["reply"] and "review the pilot with risk early [1]" in tokens
    assert coach.store.list_messages(sid)[-1].text == done["reply"]
