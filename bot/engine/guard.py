"""Outage containment for the model: a circuit breaker and a per-turn time budget."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

State = Literal["closed", "open", "half_open"]
STATES: tuple[State, ...] = ("closed", "open", "half_open")
Clock = Callable[[], float]


class CircuitBreaker:
    """After `failures` model failures within `window` s, refuse the model for `cooldown` s.

    Then it is half-open: exactly one trial call goes through; its success closes the
    circuit, its failure opens it for another cool-down. Thread-safe.
    """

    def __init__(self, failures: int = 5, window: float = 60.0, cooldown: float = 30.0, clock: Clock = time.monotonic):
        self.failures, self.window, self.cooldown, self.clock = failures, window, cooldown, clock
        self.opened = 0  # times the circuit opened, for metrics
        self._state: State = "closed"
        self._recent: deque[float] = deque()
        self._opened_at = 0.0
        self._trial = False  # a half-open trial call is in flight
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """May this call go to the model? Grants the single trial call when half-open."""
        with self._lock:
            if self._state == "open" and self.clock() >= self._opened_at + self.cooldown:
                self._state, self._trial = "half_open", False
            if self._state == "half_open" and not self._trial:
                self._trial = True
                return True
            return self._state == "closed"

    def success(self) -> None:
        """A model call succeeded: a half-open circuit closes."""
        with self._lock:
            if self._state == "half_open":
                self._state, self._trial = "closed", False
                self._recent.clear()

    def failure(self) -> None:
        """A model call failed: a failed trial, or the N-th failure in the window, opens the circuit."""
        with self._lock:
            now = self.clock()
            if self._state == "half_open":
                self._open(now)
                return
            self._recent.append(now)
            while self._recent and self._recent[0] <= now - self.window:
                self._recent.popleft()
            if self._state == "closed" and len(self._recent) >= self.failures:
                self._open(now)

    def _open(self, now: float) -> None:
        self._state, self._opened_at, self._trial = "open", now, False
        self._recent.clear()
        self.opened += 1

    @property
    def state(self) -> State:
        """closed, open or half_open (open turns half_open once the cool-down has passed)."""
        with self._lock:
            if self._state == "open" and self.clock() >= self._opened_at + self.cooldown:
                return "half_open"
            return self._state

    def describe(self) -> str:
        """The state in words, for /readyz."""
        state = self.state
        if state == "open":
            with self._lock:
                left = max(0.0, self._opened_at + self.cooldown - self.clock())
            failed = f"the model failed {self.failures} times within {self.window:g} s"
            return f"open: {failed}; the fallback engine answers for {left:.0f} s more"
        if state == "half_open":
            return "half-open: the next model call is a trial"
        return "closed"


class TurnBudget:
    """A time budget for the model work of one turn (all its calls and retries).

    Held in a context variable: it follows the turn into the threads LangChain runs steps in
    (they copy the context), while another request's thread starts with no budget of its own.
    """

    def __init__(self, seconds: float = 20.0, clock: Clock = time.monotonic) -> None:
        self.seconds, self.clock = seconds, clock
        self._deadline: ContextVar[float | None] = ContextVar(f"turn_deadline_{id(self)}", default=None)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Start a budget for this turn; inside a turn already, the outer budget holds."""
        if self._deadline.get() is not None:
            yield
            return
        token = self._deadline.set(self.clock() + self.seconds)
        try:
            yield
        finally:
            try:
                self._deadline.reset(token)
            except ValueError:  # the turn ended in another context (a generator moved threads)
                self._deadline.set(None)

    def remaining(self) -> float:
        """Seconds left in this turn (the whole budget outside a turn)."""
        deadline = self._deadline.get()
        return self.seconds if deadline is None else deadline - self.clock()

    def timeout(self, limit: float) -> float:
        """The timeout for one model call: `limit`, cut to what is left of the turn."""
        left = self.remaining()
        if left <= 0:
            raise BudgetSpent(self.seconds)
        return min(limit, left)


class CircuitOpen(Exception):
    """The model is not called: it failed repeatedly and the circuit is open."""

    def __init__(self, breaker: CircuitBreaker) -> None:
        super().__init__(f"the circuit is {breaker.describe()}")


class BudgetSpent(TimeoutError):
    """The turn's time budget for model work is used up."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the turn's {seconds:g} s budget for model calls is spent")
