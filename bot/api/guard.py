"""Guards in front of the routes: the Host check of keyless mode, and the wrong-key limit."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from bot.api.errors import count_error, error_body, send_json
from bot.config import Settings

LOCAL_NAMES = frozenset({"localhost"})
# Slack signs its requests, so a rebound browser page cannot forge them; tunnels keep their own Host.
SIGNED_PREFIXES = ("/slack/",)
BAD_HOST = (
    "This server has no API keys, so it answers only at localhost, 127.0.0.1 or [::1]: "
    "open it there, or add this name to COACH_ALLOWED_HOSTS."
)
WINDOW_SECONDS = 60.0
MAX_TRACKED = 10_000  # client addresses remembered at once; the oldest are forgotten first


def host_name(header: str) -> str:
    """The name in a Host header, without port or IPv6 brackets, lower case."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def is_local_host(name: str, extra: Iterable[str] = ()) -> bool:
    """localhost, a loopback address, or one of the extra allowed names."""
    if name in LOCAL_NAMES or name in extra:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


HOSTS_KEPT = 256


class HostGuardMiddleware:
    """Without API keys, refuse a Host that is not loopback (DNS rebinding): 400 in the one shape.

    With keys configured every request must carry one anyway, so any Host is served."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.active = not settings.api_keys
        self.extra = frozenset(host_name(h) for h in settings.allowed_hosts)
        self._hosts: dict[
            bytes, bool
        ] = {}  # Host header -> allowed: parsing an address each request cost ~5% of a turn

    def allows(self, scope: Scope) -> bool:
        """True when the request may go on."""
        if not self.active or str(scope.get("path", "")).startswith(SIGNED_PREFIXES):
            return True
        headers = dict(scope.get("headers") or [])
        raw = headers.get(b"host")
        if raw is None:  # no browser sends a request without Host: nothing to rebind
            return True
        allowed = self._hosts.get(raw)
        if allowed is None:
            allowed = is_local_host(host_name(raw.decode("latin-1")), self.extra)
            if len(self._hosts) >= HOSTS_KEPT:  # Host is the client's to choose: the memory stays bounded
                self._hosts.clear()
            self._hosts[raw] = allowed
        return allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.allows(scope):
            await self.app(scope, receive, send)
            return
        count_error(scope.get("app"), "invalid_host")
        await send_json(send, 400, error_body("invalid_host", BAD_HOST))


class GuessLimiter:
    """At most `per_minute` wrong API keys per client address in any minute (0: no limit)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = per_minute
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, address: str) -> float:
        """Seconds until this address may try a key again (0: now)."""
        if self.limit <= 0 or address not in self._failures:
            return 0.0
        with self._lock:
            recent = self._recent(address)
            if len(recent) < self.limit:
                return 0.0
            return recent[0] + WINDOW_SECONDS - self.clock()

    def failed(self, address: str) -> None:
        """Count one wrong key from this address."""
        if self.limit <= 0:
            return
        with self._lock:
            self._recent(address).append(self.clock())
            self._failures.move_to_end(address)
            while len(self._failures) > MAX_TRACKED:
                self._failures.popitem(last=False)

    def _recent(self, address: str) -> deque[float]:
        """The address's failures within the window (older ones dropped)."""
        recent = self._failures.setdefault(address, deque())
        horizon = self.clock() - WINDOW_SECONDS
        while recent and recent[0] <= horizon:
            recent.popleft()
        return recent
