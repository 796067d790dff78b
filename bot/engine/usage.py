"""LLM usage accounting: who called the model, for what, at what cost, with what outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.errors import ConfigError

PRICES_FILE = Path(__file__).resolve().parent.parent / "assets" / "llm_prices.yaml"


@dataclass(frozen=True)
class Prices:
    """US dollars per million tokens (prompt, completion) by model; unknown models cost 0."""

    per_mtok: dict[str, tuple[float, float]] = field(default_factory=dict)

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        """Cost of one call; a dated snapshot takes the price of its longest known prefix."""
        known = [name for name in self.per_mtok if model == name or model.startswith(name + "-")]
        if not known:
            return 0.0
        prompt, completion = self.per_mtok[max(known, key=len)]
        return (prompt_tokens * prompt + completion_tokens * completion) / 1_000_000


def load_prices(path: Path | None = None) -> Prices:
    """The price file (the shipped one by default); a broken file is a ConfigError naming it."""
    path = path or PRICES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Prices({str(k): (float(v[0]), float(v[1])) for k, v in data.items()})
    except (OSError, yaml.YAMLError, AttributeError, TypeError, ValueError, IndexError) as exc:
        raise ConfigError(f"{path}: not a price file (model: [prompt, completion] per million tokens): {exc}") from exc


def token_counts(message: Any) -> tuple[int, int]:
    """(prompt, completion) tokens from a LangChain message's `usage_metadata`, else zeros."""
    usage = getattr(message, "usage_metadata", None) or {}
    return int(usage.get("input_tokens", 0) or 0), int(usage.get("output_tokens", 0) or 0)


@dataclass(frozen=True)
class UsageRecord:
    """One LLM call or engine decision (outcome: ok, error, retry, fallback)."""

    purpose: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    cost_usd: float
    outcome: str
    error: str | None = None


class UsageRecorder(Protocol):
    """Anything that keeps a record of LLM calls."""

    def record(self, call: UsageRecord) -> None:
        """Record one call."""
        ...


class NullUsageRecorder:
    """Records nothing."""

    def record(self, call: UsageRecord) -> None:
        """Drop the record."""


class _HasRecordLLMCall(Protocol):
    def record_llm_call(self, **kwargs: Any) -> Any: ...


class StoreUsageRecorder:
    """Adapter: records through any object with `record_llm_call(...)` (the Store)."""

    def __init__(self, store: _HasRecordLLMCall) -> None:
        self.store = store

    def record(self, call: UsageRecord) -> None:
        """Pass the record on to the store, by keyword."""
        self.store.record_llm_call(engine="offline" if call.model == "offline" else "openai", **asdict(call))


def as_recorder(target: object | None) -> UsageRecorder:
    """A UsageRecorder from a recorder, a store with `record_llm_call`, or None."""
    if target is None:
        return NullUsageRecorder()
    if hasattr(target, "record"):
        return target  # type: ignore[return-value]
    if hasattr(target, "record_llm_call"):
        return StoreUsageRecorder(target)  # type: ignore[arg-type]
    raise TypeError(f"{type(target).__name__} has neither record() nor record_llm_call()")
