"""A usage recorder that keeps records in a list: the test double for UsageRecorder."""

from __future__ import annotations

import threading

from bot.engine.usage import UsageRecord


class InMemoryUsageRecorder:
    """Keeps records in a list."""

    def __init__(self) -> None:
        self.records: list[UsageRecord] = []
        self._lock = threading.Lock()

    def record(self, call: UsageRecord) -> None:
        """Append one record."""
        with self._lock:
            self.records.append(call)

    def outcomes(self) -> list[str]:
        """The outcome of every record, in order."""
        return [r.outcome for r in self.records]
