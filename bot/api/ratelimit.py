"""An in-memory token bucket per key: enough for one process; a shared limiter is a proxy's job."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class TokenBuckets:
    """`per_minute` requests a minute per key, with bursts up to the same number."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """A limit of 0 or less turns limiting off."""
        return self.capacity > 0

    def take(self, key: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


def retry_after_header(seconds: float) -> str:
    """Whole seconds, at least 1, as Retry-After wants."""
    return str(max(1, math.ceil(seconds)))
