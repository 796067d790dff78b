"""A usage recorder that keeps records in a list: the test double for UsageRecorder."""

from __future__ import annotations

import threading
from dataclasses import dataclass


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
    """Keeps records in a list."""

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
