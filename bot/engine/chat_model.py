"""The chat model for the OpenAI engine: ChatOpenAI, the SDK's retries kept within the turn's budget,
and usage recorded by a LangChain callback.

Imported only when the OpenAI engine is built: offline processes never load openai or httpx.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import openai
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult
from langchain_openai import ChatOpenAI

from bot.config import Settings
from bot.engine.guard import BudgetSpent, TurnBudget
from bot.engine.usage import Prices, UsageRecord, UsageRecorder, token_counts

RETRYABLE = frozenset({408, 409, 429}) | frozenset(range(500, 600))


class OutOfBudget(openai.OpenAIError, BudgetSpent):
    """The turn's budget can't cover another attempt. An OpenAIError, so the SDK neither retries nor wraps it."""


def is_openai(base_url: str | None) -> bool:
    """True for OpenAI's own API and Azure OpenAI (no base URL means OpenAI)."""
    host = (urlsplit(base_url).hostname or "") if base_url else "api.openai.com"
    return host == "api.openai.com" or host.endswith(".openai.azure.com")


def _retry_after(headers: Any) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms or Retry-After in seconds), if it said."""
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return float(ms) / 1000
        if (value := headers.get("retry-after")) is not None:
            return float(value)
    except ValueError:
        return None  # an HTTP date: the SDK parses it; the next attempt's budget check still holds
    return None


class BudgetHooks:
    """httpx event hooks that keep the SDK's retries inside the turn's budget.

    Before each attempt: stop when the budget is spent, else cut the attempt's timeouts to what is
    left. After a retryable error: stop when the server asks for a wait longer than what is left.
    Retries (the SDK marks them with `x-stainless-retry-count`) are counted.
    """

    def __init__(self, budget: TurnBudget, on_retry: Callable[[], None]) -> None:
        self.budget, self.on_retry = budget, on_retry

    def request(self, request: Any) -> None:
        """Before an attempt is sent."""
        left = self.budget.remaining()
        if left <= 0:
            raise OutOfBudget(self.budget.seconds)
        timeout = dict(request.extensions.get("timeout") or {})
        request.extensions["timeout"] = {k: left if v is None else min(v, left) for k, v in timeout.items()}
        if request.headers.get("x-stainless-retry-count", "0") != "0":
            self.on_retry()

    def response(self, response: Any) -> None:
        """After a response's headers arrive."""
        if response.status_code in RETRYABLE:
            wait = _retry_after(response.headers)
            if wait is not None and wait >= self.budget.remaining():
                raise OutOfBudget(self.budget.seconds)


def build_chat_model(settings: Settings, hooks: BudgetHooks | None = None) -> ChatOpenAI:
    """ChatOpenAI for the configured server: the SDK retries (honouring Retry-After), fixed
    temperature and seed so runs repeat, and usage in streamed replies."""
    # OpenAI rejects max_tokens and max_completion_tokens together (400); other compatible
    # servers (vLLM, Ollama, llama.cpp) often ignore max_completion_tokens: send max_tokens.
    extra: dict[str, Any] = (
        {"max_completion_tokens": settings.llm_max_tokens}
        if is_openai(settings.openai_base_url)
        else {"extra_body": {"max_tokens": settings.llm_max_tokens}}
    )
    if hooks is not None:
        extra["http_client"] = openai.DefaultHttpxClient(
            timeout=settings.llm_timeout, event_hooks={"request": [hooks.request], "response": [hooks.response]}
        )
    return ChatOpenAI(
        model=settings.model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        seed=settings.llm_seed,
        stream_usage=True,
        **extra,
    )


class UsageCallback(BaseCallbackHandler):
    """Records every model call (purpose from the run's metadata, tokens, latency, cost, outcome)."""

    raise_error = False  # accounting never breaks a call

    def __init__(self, recorder: UsageRecorder, model: str, prices: Prices) -> None:
        self.recorder, self.model, self.prices = recorder, model, prices
        self._started: dict[UUID, tuple[float, str]] = {}
        self._chunks: dict[UUID, int] = {}  # streamed chunks per run, for servers that send no usage
        self._lock = threading.Lock()

    def on_chat_model_start(
        self, serialized: Any, messages: Any, *, run_id: UUID, metadata: dict[str, Any] | None = None, **kw: Any
    ) -> None:
        """Note when the call started and what it is for."""
        with self._lock:
            self._started[run_id] = (time.perf_counter(), str((metadata or {}).get("purpose", "llm")))

    def on_llm_new_token(self, token: Any, *, run_id: UUID, **kw: Any) -> None:
        """Count a streamed chunk."""
        if token:
            with self._lock:
                self._chunks[run_id] = self._chunks.get(run_id, 0) + 1

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kw: Any) -> None:
        """Record a finished call with its token counts (a stream without usage: one token per chunk)."""
        message = next((getattr(g, "message", None) for gens in response.generations for g in gens), None)
        prompt, completion = token_counts(message)
        with self._lock:
            chunks = self._chunks.pop(run_id, 0)
        self._record(run_id, prompt, completion or chunks, "ok", None)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kw: Any) -> None:
        """Record a failed call (its tokens are unknown)."""
        with self._lock:
            self._chunks.pop(run_id, None)
        self._record(run_id, 0, 0, "error", f"{type(error).__name__}: {error}"[:500])

    def _record(self, run_id: UUID, prompt: int, completion: int, outcome: str, error: str | None) -> None:
        with self._lock:
            start, purpose = self._started.pop(run_id, (time.perf_counter(), "llm"))
        self.recorder.record(
            UsageRecord(
                purpose=purpose,
                model=self.model,
                prompt_tokens=prompt,
                completion_tokens=completion,
                latency_ms=(time.perf_counter() - start) * 1000,
                cost_usd=self.prices.cost(self.model, prompt, completion),
                outcome=outcome,
                error=error,
            )
        )
