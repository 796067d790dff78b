"""Prometheus metrics in a registry per app: requests, latency, errors, LLM calls, tokens and circuit."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from bot.service import Coach

log = logging.getLogger(__name__)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# the engine's counters, each exported as coach_llm_<name>
_ENGINE_COUNTERS = (
    "calls",
    "fallbacks",
    "errors",
    "retries",
    "short_circuits",  # calls sent straight to the fallback: the circuit was open
    "budget_fallbacks",  # calls sent to the fallback: the turn's time budget was spent
    "circuit_opens",
)
CIRCUIT_STATES = ("closed", "open", "half_open")


class AppMetrics:
    """The app's own registry and instruments (no global state, so apps don't collide)."""

    def __init__(self, state: Any) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "coach_http_requests",
            "HTTP requests by route, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "coach_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["route", "method"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter("coach_errors", "Error responses by error code.", ["code"], registry=self.registry)
        self.registry.register(LLMCollector(state))

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one request and its latency."""
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def error(self, code: str) -> None:
        """Count one error response."""
        self.errors.labels(code).inc()


def _engine_counters(coach: Coach | None) -> dict[str, int]:
    """The engine's counters (FallbackEngine keeps them), zeros for the ones it doesn't keep."""
    try:
        found = coach.engine_counters() if coach is not None else {}
    except Exception:  # metrics must never break a scrape
        log.warning("could not read the LLM counters for /metrics", exc_info=True)
        found = {}
    return {name: _int(found.get(name, 0)) for name in _ENGINE_COUNTERS}


def _circuit_state(coach: Coach | None) -> str | None:
    """The engine's circuit breaker state, if it has a breaker."""
    try:
        return coach.circuit_state() if coach is not None else None
    except Exception:  # metrics must never break a scrape
        log.warning("could not read the LLM circuit state for /metrics", exc_info=True)
        return None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _token_totals(coach: Coach | None) -> dict[str, int]:
    if coach is None:
        return {}
    try:
        found = coach.llm_usage_totals()
    except Exception:
        log.warning("could not read LLM usage totals for /metrics", exc_info=True)
        return {}
    return {k: _int(found.get(f"{k}_tokens", 0)) for k in ("prompt", "completion")}


class LLMCollector(Collector):
    """Reads the engine's counters and the store's token totals at scrape time."""

    def __init__(self, state: Any) -> None:
        self.state = state

    def describe(self) -> list[Metric]:
        """Nothing up front: the families are built at scrape time."""
        return []

    def collect(self) -> Iterator[Metric]:
        """LLM calls, fallbacks, errors, retries, tokens (zeros before the coach exists), circuit state."""
        coach = getattr(self.state, "coach", None)
        for name, value in _engine_counters(coach).items():
            family = CounterMetricFamily(f"coach_llm_{name}", f"LLM {name.replace('_', ' ')} by the engine.")
            family.add_metric([], value)
            yield family
        if (state := _circuit_state(coach)) is not None:
            circuit = GaugeMetricFamily(
                "coach_llm_circuit_state", "1 for the LLM circuit breaker's current state.", labels=["state"]
            )
            for name in CIRCUIT_STATES:
                circuit.add_metric([name], 1.0 if name == state else 0.0)
            yield circuit
        tokens = CounterMetricFamily("coach_llm_tokens", "LLM tokens used.", labels=["kind"])
        for kind, value in _token_totals(coach).items():
            tokens.add_metric([kind], value)
        yield tokens


class MetricsMiddleware:
    """Times every HTTP request and counts it by route template (not raw path) and status."""

    def __init__(self, app: ASGIApp, metrics: AppMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe(route, scope["method"], status, time.perf_counter() - start)
