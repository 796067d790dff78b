"""A fake Slack Web API on 127.0.0.1 that answers like Slack and records every call.

Reusable by any test that talks to Slack through `slack_sdk.WebClient` (the Slack app, the
weekly check-ins). Usage:

    from tests.slack.fake_slack import FakeSlack

    with FakeSlack() as slack:                      # starts a server on a free port
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        client.chat_postMessage(channel="C1", text="hi")
        [call] = slack.wait_for("chat.postMessage")  # polls with a deadline (default 10 s)
        assert call.args["text"] == "hi"

Settings for the coach: `slack_api_url=slack.api_url`, any `slack_bot_token`.

API
- `FakeSlack(team_id="T0TEAM", bot_user_id="UBOT", bot_id="BBOT")`; `start()`/`stop()` or `with`.
- `api_url`: base URL for `WebClient(base_url=...)` (ends in `/api/`); `url(path)`: any path.
- `response_url(name)`: a URL to put in slash-command/action payloads; posts to it are
  recorded as calls with method `"response_url"` (args = the JSON body).
- `calls` (a copy, in arrival order) of `Call(method, args, headers, at, response)`;
  `calls_to(method)`; `clear()`. `args` is the JSON body, or the form/query fields
  (JSON-looking values decoded); `response` is what the fake answered (e.g. the posted `ts`).
- `wait_for(method, count=1, timeout=10.0, where=None)`: wait until at least `count` calls
  to `method` match `where(call)`; returns them, or raises AssertionError listing what came.
- `posts(channel=None, thread_ts=None)`: the `chat.postMessage` calls, optionally filtered.
- Scripted failures, consumed in order: `fail(method, error="channel_not_found", times=1)`
  answers `{"ok": false, "error": ...}` (HTTP 200, as Slack does);
  `rate_limit(method, retry_after=1, times=1)` answers HTTP 429 with `Retry-After`.
- `uploads`: file id -> bytes sent to the upload URL of `files.getUploadURLExternal`.
- `users`: user id -> display name, served by `users.info`; `zones`: user id -> its `tz`.
- `share_file(name, data)`: keep a file a user "shared" and return its Slack file object, whose
  `url_private_download` this fake serves (GET `/files-pri/ID/NAME`, recorded as `file_download`).
- `note(who, text)`: record an incoming message (e.g. what a test user "said") so that
  `transcript()` reads as a conversation; notes are not API calls.
- `transcript(channel=None, thread_ts=None)`: the calls as readable text (blocks rendered).

Methods answered: auth.test, chat.postMessage, chat.update, chat.postEphemeral,
conversations.replies, conversations.open (DM channel `D` + user id), users.info,
files.getUploadURLExternal (+ the upload URL),
files.completeUploadExternal, assistant.threads.setStatus / setSuggestedPrompts / setTitle,
views.open, views.publish; anything else gets `{"ok": true}`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.slack.transcript import render_transcript


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def _decode(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """A request body as a dict: JSON, or form fields with JSON-looking values decoded."""
    text = raw.decode("utf-8") if raw else ""
    if "json" in content_type:
        return json.loads(text) if text else {}
    return {k: _decode(v[-1]) for k, v in parse_qs(text, keep_blank_values=True).items()}


class FakeSlack:
    """A recording Slack Web API; see the module docstring."""

    def __init__(self, team_id: str = "T0TEAM", bot_user_id: str = "UBOT", bot_id: str = "BBOT"):
        self.team_id, self.bot_user_id, self.bot_id = team_id, bot_user_id, bot_id
        self.users: dict[str, str] = {}
        self.zones: dict[str, str] = {}  # user id -> IANA time zone, served as users.info's `tz`
        self.uploads: dict[str, bytes] = {}
        self.shared: dict[str, bytes] = {}  # file id -> bytes served at its url_private_download
        self._calls: list[Call] = []
        self._failures: defaultdict[str, deque[_Failure]] = defaultdict(deque)
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    def share_file(self, name: str, data: bytes) -> dict[str, Any]:
        """A file as a `file_share` message event carries it; its download URL is served here."""
        file_id = f"F{len(self.shared) + 1:08d}"
        self.shared[file_id] = data
        url = self.url(f"/files-pri/{self.team_id}-{file_id}/{name}")
        return {"id": file_id, "name": name, "title": name, "size": len(data), "mode": "hosted",
                "url_private": url, "url_private_download": url + "?download=1"}  # fmt: skip

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> FakeSlack:
        """Listen on 127.0.0.1 (a free port) in a background thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------------
    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    @property
    def api_url(self) -> str:
        """The Web API base URL for `WebClient(base_url=...)`."""
        return self.url("/api/")

    def response_url(self, name: str = "r") -> str:
        """A response_url for payloads; posts to it are recorded as `response_url` calls."""
        return self.url(f"/respond/{name}")

    # -- scripting -----------------------------------------------------------------
    def fail(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        """The next `times` calls to `method` fail with Slack's `{"ok": false, "error": ...}`."""
        for _ in range(times):
            self._failures[method].append(_Failure(200, {"ok": False, "error": error}, {}))

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls to `method` get HTTP 429 with `Retry-After`."""
        body = {"ok": False, "error": "ratelimited"}
        for _ in range(times):
            self._failures[method].append(_Failure(429, body, {"Retry-After": str(retry_after)}))

    def note(self, who: str, text: str, channel: str = "", thread_ts: str = "") -> None:
        """Record an incoming message for the transcript (not an API call)."""
        args = {"user": who, "text": text, "channel": channel, "thread_ts": thread_ts}
        self._record(Call("note", args))

    # -- inspection ------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """Every recorded call, in arrival order (a copy)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The calls to one method."""
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls and pending failures."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()

    def posts(self, channel: str | None = None, thread_ts: str | None = None) -> list[Call]:
        """`chat.postMessage` calls, optionally in one channel / thread."""
        return [
            c for c in self.calls_to("chat.postMessage")
            if (channel is None or c.args.get("channel") == channel)
            and (thread_ts is None or c.args.get("thread_ts") == thread_ts)
        ]  # fmt: skip

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until `count` matching calls to `method` arrived; return them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self._calls if c.method == method and (not where or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self._calls]
                    raise AssertionError(f"expected {count} {method} call(s), got {found!r}; "
                                         f"all calls: {seen}")  # fmt: skip
                self._lock.wait(left)

    def transcript(self, channel: str | None = None, thread_ts: str | None = None) -> str:
        """The recorded calls as readable text."""
        return render_transcript(self.calls, channel, thread_ts)

    # -- serving ---------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()

    def _next_failure(self, method: str) -> _Failure | None:
        with self._lock:
            queue = self._failures.get(method)
            return queue.popleft() if queue else None

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Slack's success response for a method."""
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        return handler(args) if handler else {"ok": True}

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake Team",
                "user": "coach", "team_id": self.team_id, "user_id": self.bot_user_id,
                "bot_id": self.bot_id, "is_enterprise_install": False}  # fmt: skip

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        message = {"type": "message", "ts": ts, "user": self.bot_user_id, "bot_id": self.bot_id,
                   "text": args.get("text", ""), "blocks": args.get("blocks", []),
                   "thread_ts": args.get("thread_ts")}  # fmt: skip
        return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"),
                "text": args.get("text", "")}  # fmt: skip

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        posts = self.posts(args.get("channel"), args.get("ts"))
        messages = [p.response["message"] for p in posts if p.response.get("ok")]
        return {"ok": True, "messages": messages, "has_more": False}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users", "")).split(",")[0]
        return {"ok": True, "channel": {"id": f"D{user}"}}  # one DM channel per user, as Slack keeps it

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        uid = str(args.get("user", ""))
        if uid not in self.users:
            return {"ok": False, "error": "user_not_found"}
        name = self.users[uid]
        profile = {"display_name": name, "real_name": name}
        user = {"id": uid, "name": name, "real_name": name, "profile": profile}
        if uid in self.zones:
            user["tz"] = self.zones[uid]
        return {"ok": True, "user": user}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ts):08d}"
        return {"ok": True, "upload_url": self.url(f"/upload/{file_id}"), "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files") or []
        return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0FAKE", **(args.get("view") or {})}}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0HOME", "team_id": self.team_id, **(args.get("view") or {})}}


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlparse(self.path).path
            headers = {k.lower(): v for k, v in self.headers.items()}
            if path.startswith("/upload/"):
                fake.uploads[path.rsplit("/", 1)[1]] = raw
                fake._record(Call("upload", {"file_id": path.rsplit("/", 1)[1],
                                             "size": len(raw)}, headers))  # fmt: skip
                return self._send(200, "OK", {"Content-Type": "text/plain"})
            args = parse_body(raw, headers.get("content-type", ""))
            if path.startswith("/respond/"):
                fake._record(Call("response_url", args, headers))
                return self._send(200, "ok", {"Content-Type": "text/plain"})
            self._api(path, args, headers)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path.startswith("/files-pri/"):
                file_id = url.path.split("/")[2].rsplit("-", 1)[-1]
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake._record(Call("file_download", {"file_id": file_id}, headers))
                if file_id not in fake.shared:
                    return self._send(404, "not found", {"Content-Type": "text/plain"})
                return self._send_bytes(fake.shared[file_id])
            args = {k: _decode(v[-1]) for k, v in parse_qs(url.query).items()}
            self._api(url.path, args, {k.lower(): v for k, v in self.headers.items()})

        def _api(self, path: str, args: dict[str, Any], headers: dict[str, str]) -> None:
            method = path.removeprefix("/api/")
            failure = fake._next_failure(method)
            answer = failure.body if failure else fake.answer(method, args)
            fake._record(Call(method, args, headers, response=answer))
            if failure is not None:
                return self._send(failure.status, json.dumps(answer), dict(failure.headers))
            self._send(200, json.dumps(answer), {})

        def _send_bytes(self, data: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send(self, status: int, body: str, headers: dict[str, str]) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
