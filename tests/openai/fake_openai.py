"""A fake OpenAI Chat Completions server on 127.0.0.1, for tests of the OpenAI client path.

Import it from any test (pytest runs with `pythonpath = ["."]`)::

    from tests.openai.fake_openai import FakeOpenAI, Reply, JSONReply, Status, Delay
    from tests.openai.fake_openai import fake_openai  # noqa: F401  (re-exports the fixture)

API
- `FakeOpenAI()` : a threaded HTTP server; `start()`/`stop()` or use it as a context manager.
- `.url`         : base URL ending in `/v1` (give it to ChatOpenAI/openai as base_url).
- `.queue(*behaviours)` : each POST /v1/chat/completions takes the next behaviour; when
  the queue is empty it answers with `.default` (a `Reply`).
- `.requests`    : every request body received (parsed JSON dicts), in order.
- `.sent_text()` : all message contents of all requests joined, to assert what the "LLM" saw.
- `.headers`     : the request headers of every request (names lower-cased), in order.

Behaviours (all answer in the real OpenAI shape; `stream: true` gets SSE chunks ending with
`data: [DONE]`, plus a usage chunk when `stream_options.include_usage` is set):
- `Reply(text, prompt_tokens=None, completion_tokens=None)` : a normal assistant message.
- `JSONReply(obj)` : a message whose content is `json.dumps(obj)`.
- `INVALID_JSON` / `OFF_SCHEMA` : content that is not JSON / JSON of the wrong shape.
- `Status(code, retry_after=None, retry_after_ms=None)` : an error (429, 500, ...) with the
  OpenAI error body and optional Retry-After / retry-after-ms headers.
- `Delay(seconds, then=Reply(...))` : wait (longer than the client timeout) then answer.
- a callable `f(body: dict) -> behaviour` : decide from the request (e.g. echo a quote).

The `fake_openai` pytest fixture yields a started server and stops it afterwards.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    """A normal assistant reply; token counts default to rough word counts."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str = "stop"


def JSONReply(obj: Any, **kwargs: Any) -> Reply:  # noqa: N802 - reads like the other behaviours
    """A reply whose content is the JSON encoding of `obj`."""
    return Reply(json.dumps(obj), **kwargs)


INVALID_JSON = Reply('{"status": "gap", "evidence": [')
OFF_SCHEMA = JSONReply({"verdict": "looks fine", "score": 7})


@dataclass
class Status:
    """An HTTP error in the OpenAI error shape, with optional retry headers."""

    code: int
    retry_after: float | None = None
    retry_after_ms: int | None = None
    message: str = "fake error"


@dataclass
class Delay:
    """Wait `seconds` before answering with `then`."""

    seconds: float
    then: Any = field(default_factory=lambda: Reply("late reply"))


Behaviour = Reply | Status | Delay | Callable[[dict[str, Any]], Any]


def _words(text: str) -> int:
    return max(1, len(text.split()))


def _prompt_words(body: dict[str, Any]) -> int:
    return sum(_words(str(m.get("content", ""))) for m in body.get("messages", []))


def _pieces(text: str, size: int = 12) -> list[str]:
    """Split text into stream deltas of about `size` characters (at least two when possible)."""
    size = max(1, min(size, len(text) // 2 or 1))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Keep test output quiet."""

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        """Answer /v1/chat/completions with the next behaviour."""
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        body = json.loads(raw or b"{}")
        fake = self.server.fake
        fake.record(body, {k.lower(): v for k, v in self.headers.items()})
        try:
            self._behave(fake.next_behaviour(), body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing to answer

    def _behave(self, behaviour: Any, body: dict[str, Any]) -> None:
        while callable(behaviour) and not isinstance(behaviour, Reply | Status | Delay):
            behaviour = behaviour(body)
        if isinstance(behaviour, Delay):
            self.server.fake.stopping.wait(behaviour.seconds)
            self._behave(behaviour.then, body)
        elif isinstance(behaviour, Status):
            self._error(behaviour)
        elif body.get("stream"):
            self._stream(behaviour, body)
        else:
            self._json(200, self.server.fake.completion(behaviour, body))

    def _error(self, status: Status) -> None:
        headers = {}
        if status.retry_after is not None:
            headers["Retry-After"] = f"{status.retry_after:g}"
        if status.retry_after_ms is not None:
            headers["retry-after-ms"] = str(status.retry_after_ms)
        err = {"message": status.message, "type": "fake_error", "code": str(status.code)}
        self._json(status.code, {"error": err}, headers)

    def _json(self, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None):
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, reply: Reply, body: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        for chunk in self.server.fake.chunks(reply, body):
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAI


class FakeOpenAI:
    """A scriptable OpenAI-compatible server on 127.0.0.1 that records what it receives."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply("fake reply")
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.stopping = threading.Event()
        self._queue: deque[Any] = deque()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL ending in /v1."""
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> FakeOpenAI:
        """Listen on a free port on 127.0.0.1 in a daemon thread."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; delayed replies are cut short."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def queue(self, *behaviours: Behaviour) -> FakeOpenAI:
        """Script the next responses, one per request, in order."""
        with self._lock:
            self._queue.extend(behaviours)
        return self

    def next_behaviour(self) -> Any:
        """The next scripted behaviour, or the default reply."""
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def record(self, body: dict[str, Any], headers: dict[str, str]) -> None:
        """Keep a request body and its headers."""
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)

    def sent_text(self) -> str:
        """Every message content of every request, joined with newlines."""
        return "\n".join(str(m.get("content", "")) for body in self.requests for m in body.get("messages", []))

    def _usage(self, reply: Reply, body: dict[str, Any]) -> dict[str, int]:
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else _prompt_words(body)
        done = reply.completion_tokens
        completion = done if done is not None else _words(reply.text)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    def _head(self, body: dict[str, Any], obj: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": obj,
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "system_fingerprint": "fp_fake",
        }

    def completion(self, reply: Reply, body: dict[str, Any]) -> dict[str, Any]:
        """A full chat.completion response body."""
        message = {"role": "assistant", "content": reply.text, "refusal": None}
        choice = {"index": 0, "message": message, "logprobs": None}
        choice["finish_reason"] = reply.finish_reason
        return {
            **self._head(body, "chat.completion"),
            "choices": [choice],
            "usage": self._usage(reply, body),
        }

    def chunks(self, reply: Reply, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """chat.completion.chunk objects for a streamed reply (role, deltas, stop, usage)."""
        head = self._head(body, "chat.completion.chunk")

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return {**head, "choices": [choice]}

        yield chunk({"role": "assistant", "content": ""})
        for piece in _pieces(reply.text):
            yield chunk({"content": piece})
        yield chunk({}, reply.finish_reason)
        if (body.get("stream_options") or {}).get("include_usage"):
            yield {**head, "choices": [], "usage": self._usage(reply, body)}


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started FakeOpenAI server, stopped after the test."""
    with FakeOpenAI() as server:
        yield server
