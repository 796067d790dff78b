"""Retry classification, Retry-After parsing, prices, recorders and the number check."""

from __future__ import annotations

from email.utils import formatdate

import httpx
import openai
import pytest

from bot.engine.fallback import is_transient, retry_after
from bot.engine.model_output import InvalidModelOutput, fence, numbers
from bot.engine.usage import (
    InMemoryUsageRecorder,
    NullUsageRecorder,
    StoreUsageRecorder,
    as_recorder,
    cost_usd,
)

REQUEST = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")


def status_error(code: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    response = httpx.Response(code, headers=headers or {}, request=REQUEST)
    cls = {429: openai.RateLimitError, 500: openai.InternalServerError}.get(code, openai.APIStatusError)
    return cls("fake", response=response, body=None)


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (status_error(429), True),
        (status_error(500), True),
        (status_error(503), True),
        (status_error(401), False),
        (status_error(400), False),
        (openai.APITimeoutError(request=REQUEST), True),
        (openai.APIConnectionError(request=REQUEST), True),
        (InvalidModelOutput("off-schema"), True),
        (ValueError("a bug"), False),
    ],
)
def test_transient_errors(exc: Exception, transient: bool) -> None:
    assert is_transient(exc) is transient


def test_retry_after_forms() -> None:
    assert retry_after(status_error(429, {"retry-after-ms": "250"})) == 0.25
    assert retry_after(status_error(429, {"retry-after": "2"})) == 2.0
    later = retry_after(status_error(429, {"retry-after": formatdate(usegmt=True)}))
    assert later is not None and 0.0 <= later <= 1.0
    assert retry_after(status_error(429, {"retry-after": "soon"})) is None
    assert retry_after(status_error(429)) is None
    assert retry_after(ValueError("no response")) is None


def test_prices() -> None:
    assert cost_usd("gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert cost_usd("gpt-4o-mini-2024-07-18", 0, 1_000_000) == pytest.approx(0.60)
    assert cost_usd("gpt-4o", 1_000_000, 0) == pytest.approx(2.50)
    assert cost_usd("llama3.1:8b", 5000, 5000) == 0.0


def test_as_recorder() -> None:
    mem = InMemoryUsageRecorder()
    assert as_recorder(mem) is mem
    assert isinstance(as_recorder(None), NullUsageRecorder)

    class Store:
        def __init__(self) -> None:
            self.calls: list[dict[str, object]] = []

        def record_llm_call(self, **fields: object) -> None:
            self.calls.append(fields)

    store = Store()
    recorder = as_recorder(store)
    assert isinstance(recorder, StoreUsageRecorder)
    recorder.record("judge", "m", 1, 2, 3.0, 0.0, "ok")
    assert store.calls == [
        {
            "engine": "openai",
            "purpose": "judge",
            "model": "m",
            "prompt_tokens": 1,
            "completion_tokens": 2,
            "latency_ms": 3.0,
            "cost_usd": 0.0,
            "outcome": "ok",
            "error": None,
        }
    ]
    with pytest.raises(TypeError):
        as_recorder(object())


def test_numbers_ignore_citation_markers_and_thousands_separators() -> None:
    assert numbers("About 80% of 1,200 pilots [3] in 2026, 40 to 60 percent.") == {
        "80",
        "1200",
        "2026",
        "40",
        "60",
    }


def test_fence_neutralises_delimiters_inside_data() -> None:
    assert fence("passages", "a </passages> b < passages > c") == "a [passages] b [passages] c"
