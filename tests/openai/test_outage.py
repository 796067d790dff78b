"""Outage containment: the circuit breaker and the per-turn time budget, against the fake server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.engine.fallback import FallbackEngine, build_engine
from bot.engine.guard import CircuitBreaker, TurnBudget
from bot.engine.offline import OfflineEngine
from bot.engine.openai_engine import OpenAIEngine
from bot.knowledge import Rubric
from bot.models import Statement
from bot.prompts import PromptSet
from tests.openai.conftest import PASSAGES, openai_settings
from tests.openai.fake_openai import Delay, FakeOpenAI, JSONReply, Status
from tests.openai.recorders import InMemoryUsageRecorder

STATEMENTS = [Statement(text="IT is sponsoring it for now; no business owner yet.", author="ana")]
GAP = {"status": "gap", "severity": "high", "evidence": [], "confidence": 0.9, "rationale": "No owner."}


class Clock:
    """A clock the test moves by hand (injected, not patched)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guarded(
    tmp_path: Path,
    server: FakeOpenAI,
    prompts: PromptSet,
    offline: OfflineEngine,
    breaker: CircuitBreaker | None = None,
    budget: float = 20.0,
    retries: int = 0,
    **settings: object,
) -> tuple[FallbackEngine, InMemoryUsageRecorder]:
    """The OpenAI engine on the fake server behind a FallbackEngine with this breaker and budget."""
    recorder = InMemoryUsageRecorder()
    shared = TurnBudget(budget)
    cfg = openai_settings(tmp_path, server.url, llm_max_retries=retries, **settings)
    primary = OpenAIEngine(cfg, prompts, recorder=recorder, budget=shared)
    engine = FallbackEngine(primary, offline, recorder, breaker=breaker, budget=shared)
    return engine, recorder


def test_breaker_opens_after_n_failures_within_the_window() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, window=60, cooldown=30, clock=clock)
    breaker.failure()
    clock.now += 61  # out of the window by the time the next ones come
    breaker.failure()
    breaker.failure()
    assert breaker.state == "closed" and breaker.allow()
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow() and breaker.opened == 1
    assert breaker.describe().startswith("open: the model failed 3 times within 60 s")


def test_breaker_half_opens_with_one_trial_then_closes_or_reopens() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, window=60, cooldown=30, clock=clock)
    breaker.failure()
    clock.now += 29.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.state == "half_open"
    assert breaker.allow() and not breaker.allow()  # exactly one trial call
    breaker.failure()  # the trial failed: another full cool-down
    assert breaker.state == "open" and breaker.opened == 2
    clock.now += 30
    assert breaker.allow()
    breaker.success()
    assert breaker.state == "closed" and breaker.allow() and breaker.allow()


def test_an_open_circuit_skips_the_model_until_the_trial_call(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet, offline: OfflineEngine, rubric: Rubric
) -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=5, window=60, cooldown=30, clock=clock)
    eng, recorder = guarded(tmp_path, fake_openai, prompts, offline, breaker)
    fake_openai.queue(*[Status(500)] * 5)
    dim = rubric.dimension("roi_ownership")
    for _ in range(5):
        eng.judge(dim, STATEMENTS)
    assert eng.circuit_state() == "open" and len(fake_openai.requests) == 5
    start = time.perf_counter()
    for _ in range(10):
        assert eng.judge(dim, STATEMENTS).rationale.startswith("[offline engine]")
    assert len(fake_openai.requests) == 5 and time.perf_counter() - start < 5  # the model was not asked
    assert "CircuitOpen" in (recorder.records[-1].error or "")
    assert eng.counters()["short_circuits"] == 10 and eng.counters()["circuit_opens"] == 1
    clock.now += 30
    fake_openai.queue(JSONReply(GAP))
    assert eng.judge(dim, STATEMENTS).rationale == "No owner."  # the trial call went through and closed it
    assert eng.circuit_state() == "closed" and len(fake_openai.requests) == 6


def test_the_turn_budget_caps_all_calls_and_retries_of_a_turn(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet, offline: OfflineEngine, rubric: Rubric
) -> None:
    fake_openai.default = Delay(30, then=JSONReply(GAP))  # the model hangs
    eng, recorder = guarded(tmp_path, fake_openai, prompts, offline, budget=0.8, retries=3, llm_timeout=10)
    start = time.perf_counter()
    with eng.turn():
        for dim in rubric.dimensions:
            assert eng.judge(dim, STATEMENTS).rationale.startswith("[offline engine]")
        eng.answer("When should risk get involved?", PASSAGES)
    elapsed = time.perf_counter() - start
    assert 0.7 < elapsed < 4  # the first call's timeout was cut to the budget; the rest fell back at once
    assert len(fake_openai.requests) == 1  # no retry, no other call: the budget was spent
    assert eng.counters()["budget_fallbacks"] == len(rubric.dimensions)
    assert "budget" in (recorder.records[-1].error or "")


def test_each_turn_gets_a_fresh_budget(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet, offline: OfflineEngine, rubric: Rubric
) -> None:
    eng, _ = guarded(tmp_path, fake_openai, prompts, offline, budget=0.5, llm_timeout=10)
    dim = rubric.dimension("roi_ownership")
    fake_openai.queue(Delay(30, then=JSONReply(GAP)))
    with eng.turn():
        assert eng.judge(dim, STATEMENTS).rationale.startswith("[offline engine]")
    fake_openai.queue(JSONReply(GAP))
    with eng.turn():
        assert eng.judge(dim, STATEMENTS).rationale == "No owner."
    assert len(fake_openai.requests) == 2


def test_build_engine_takes_the_limits_from_settings(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet, offline: OfflineEngine
) -> None:
    settings = openai_settings(
        tmp_path, fake_openai.url, llm_turn_budget=7, llm_breaker_failures=2, llm_breaker_cooldown=9
    )
    eng = build_engine(settings, offline, prompts)
    assert isinstance(eng, FallbackEngine) and isinstance(eng.primary, OpenAIEngine)
    assert eng.budget is eng.primary.budget and eng.budget.seconds == 7
    assert (eng.breaker.failures, eng.breaker.window, eng.breaker.cooldown) == (2, 60, 9)


def test_limits_default_to_20_s_5_failures_60_s_and_30_s(tmp_path: Path) -> None:
    settings = openai_settings(tmp_path, "http://127.0.0.1:9/v1")
    assert (settings.llm_turn_budget, settings.llm_breaker_failures) == (20, 5)
    assert (settings.llm_breaker_window, settings.llm_breaker_cooldown) == (60, 30)
    with pytest.raises(ValueError):
        openai_settings(tmp_path, "http://127.0.0.1:9/v1", llm_turn_budget=0)


def test_a_wait_longer_than_the_budget_falls_back_at_once(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet, offline: OfflineEngine, rubric: Rubric
) -> None:
    fake_openai.queue(Status(429, retry_after=5), JSONReply(GAP))
    eng, recorder = guarded(tmp_path, fake_openai, prompts, offline, budget=2.0, retries=2)
    start = time.perf_counter()
    with eng.turn():
        assert eng.judge(rubric.dimension("roi_ownership"), STATEMENTS).rationale.startswith("[offline engine]")
    assert time.perf_counter() - start < 1.5  # the SDK did not sleep the 5 s the server asked for
    assert len(fake_openai.requests) == 1 and "budget" in (recorder.records[-1].error or "")


def test_a_short_wait_within_the_budget_is_retried(
    tmp_path: Path, fake_openai: FakeOpenAI, prompts: PromptSet, offline: OfflineEngine, rubric: Rubric
) -> None:
    fake_openai.queue(Status(503, retry_after_ms=200), JSONReply(GAP))
    eng, _ = guarded(tmp_path, fake_openai, prompts, offline, budget=5.0, retries=2)
    with eng.turn():
        assert eng.judge(rubric.dimension("roi_ownership"), STATEMENTS).rationale == "No owner."
    assert len(fake_openai.requests) == 2 and eng.counters()["retries"] == 1
    assert fake_openai.headers[1]["x-stainless-retry-count"] == "1"  # the SDK's own retry
