"""Prices, recorders and the number check."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.model_output import fence, numbers
from bot.engine.usage import NullUsageRecorder, Prices, StoreUsageRecorder, UsageRecord, as_recorder, load_prices
from bot.errors import ConfigError
from tests.openai.recorders import InMemoryUsageRecorder


def test_prices_come_from_the_shipped_price_file() -> None:
    prices = load_prices()
    assert prices.cost("gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert prices.cost("gpt-4o-mini-2024-07-18", 0, 1_000_000) == pytest.approx(0.60)
    assert prices.cost("gpt-4o", 1_000_000, 0) == pytest.approx(2.50)
    assert prices.cost("llama3.1:8b", 5000, 5000) == 0.0


def test_a_price_file_of_ones_own_replaces_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("my-model: [1.0, 3.0]\n")
    assert load_prices(path) == Prices({"my-model": (1.0, 3.0)})
    assert load_prices(path).cost("my-model", 2_000_000, 1_000_000) == pytest.approx(5.0)
    assert load_prices(path).cost("gpt-4o-mini", 1_000_000, 0) == 0.0
    path.write_text("my-model: cheap\n")
    with pytest.raises(ConfigError, match="prices.yaml: not a price file"):
        load_prices(path)


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
    recorder.record(UsageRecord("judge", "m", 1, 2, 3.0, 0.0, "ok"))
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
