"""LLM usage accounting: who called the model, for what, at what cost, with what outcome."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol

# US dollars per million tokens (prompt, completion). Unknown models cost 0: we'd rather
# under-report than guess a price for a local or self-hosted model.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1": (2.00, 8.00),
}


def cost_usd(model: str, prompt_tokens: int, completion_tokens: int) -> float:
    """Cost of one call from the price table; 0.0 for a model not in the table."""
    # Dated snapshots ("gpt-4o-mini-2024-07-18") take the price of their longest known prefix.
    known = [name for name in PRICES_PER_MTOK if model == name or model.startswith(name + "-")]
    if not known:
        return 0.0
    price = PRICES_PER_MTOK[max(known, key=len)]
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000


def token_counts(message: Any) -> tuple[int, int]:
    """(prompt, completion) tokens from a LangChain message's `usage_metadata`, else zeros."""
    usage = getattr(message, "usage_metadata", None) or {}
    return int(usage.get("input_tokens", 0) or 0), int(usage.get("output_tokens", 0) or 0)


class UsageRecorder(Protocol):
    """Anything that keeps a record of LLM calls."""

    def record(
        self,
        purpose: str,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        latency_ms: float,
        cost_usd: float,
        outcome: str,
        error: str | None = None,
    ) -> None:
        """Record one call (outcome: ok, error, retry, fallback)."""
        ...


@dataclass(frozen=True)
class UsageRecord:
    """One recorded LLM call or engine decision."""

    purpose: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    cost_usd: float
    outcome: str
    error: str | None = None


class InMemoryUsageRecorder:
    """Keeps records in a list: for tests and for a process without a store."""

    def __init__(self) -> None:
        self.records: list[UsageRecord] = []
        self._lock = threading.Lock()

    def record(
        self,
        purpose: str,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        latency_ms: float,
        cost_usd: float,
        outcome: str,
        error: str | None = None,
    ) -> None:
        """Append one record."""
        rec = UsageRecord(purpose, model, prompt_tokens, completion_tokens, latency_ms, cost_usd, outcome, error)
        with self._lock:
            self.records.append(rec)

    def outcomes(self) -> list[str]:
        """The outcome of every record, in order."""
        return [r.outcome for r in self.records]


class NullUsageRecorder:
    """Records nothing."""

    def record(self, *args: Any, **kwargs: Any) -> None:
        """Drop the record."""


class _HasRecordLLMCall(Protocol):
    def record_llm_call(self, **kwargs: Any) -> Any: ...


class StoreUsageRecorder:
    """Adapter: records through any object with `record_llm_call(...)` (the Store)."""

    def __init__(self, store: _HasRecordLLMCall) -> None:
        self.store = store

    def record(
        self,
        purpose: str,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        latency_ms: float,
        cost_usd: float,
        outcome: str,
        error: str | None = None,
    ) -> None:
        """Pass the record on to the store, by keyword."""
        self.store.record_llm_call(
            engine="offline" if model == "offline" else "openai",
            purpose=purpose,
            model=model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=latency_ms,
            cost_usd=cost_usd,
            outcome=outcome,
            error=error,
        )


def as_recorder(target: object | None) -> UsageRecorder:
    """A UsageRecorder from a recorder, a store with `record_llm_call`, or None."""
    if target is None:
        return NullUsageRecorder()
    if hasattr(target, "record"):
        return target  # type: ignore[return-value]
    if hasattr(target, "record_llm_call"):
        return StoreUsageRecorder(target)  # type: ignore[arg-type]
    raise TypeError(f"{type(target).__name__} has neither record() nor record_llm_call()")
