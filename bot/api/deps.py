"""Request dependencies: who is calling (API keys), rate limits, and the coach."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.api.guard import GuessLimiter
from bot.api.ratelimit import TokenBuckets, retry_after_header
from bot.config import Settings
from bot.errors import CoachError, ServiceUnavailable

if TYPE_CHECKING:
    from bot.service import Coach

LOCAL_OWNER = "local"
# Declared as a security scheme so /docs offers "Authorize" and the schema marks keyed routes.
bearer = HTTPBearer(auto_error=False, description="An API key from COACH_API_KEYS (none needed when it is unset).")


class Unauthorized(CoachError):
    """A missing or unknown API key."""

    code = "unauthorized"
    status = 401


class RateLimited(CoachError):
    """Too many requests for one key; `retry_after` is in seconds."""

    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: float, why: str = "Too many requests for this key") -> None:
        self.retry_after = retry_after_header(retry_after)
        super().__init__(f"{why}: wait {self.retry_after} s and try again.")


WRONG_KEYS = "Too many wrong API keys from this address"


def owner_id(key: str) -> str:
    """A stable, non-secret owner id for an API key (a sha256 prefix)."""
    return "key-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class Auth:
    """Bearer-token check against COACH_API_KEYS, a token bucket per owner, and a limit on
    wrong keys per client address (so keys cannot be guessed at speed)."""

    def __init__(self, settings: Settings) -> None:
        self.keys = [k.get_secret_value().encode("utf-8") for k in settings.api_keys]
        self.buckets = TokenBuckets(settings.rate_limit_per_minute)
        self.guesses = GuessLimiter(settings.key_failures_per_minute)

    def owner(self, token: str | None, address: str = "") -> str:
        """The owner for a bearer token; raises Unauthorized when keys are set and it is wrong,
        RateLimited when this address sent too many wrong keys (even if this one is right)."""
        if not self.keys:
            return LOCAL_OWNER
        if not token or not token.strip():
            raise Unauthorized("Missing API key: send `Authorization: Bearer <key>`.")
        wait = self.guesses.wait(address)
        if wait > 0:
            raise RateLimited(wait, WRONG_KEYS)
        given = token.strip().encode("utf-8")
        # compare with every key so the time taken does not depend on which one matched
        matches = [hmac.compare_digest(given, key) for key in self.keys]
        if not any(matches):
            self.guesses.failed(address)
            raise Unauthorized("Unknown API key: check the key or ask for one from COACH_API_KEYS.")
        return owner_id(given.decode("utf-8"))

    def admit(self, owner: str) -> None:
        """Take one request from the owner's bucket, or raise RateLimited."""
        wait = self.buckets.take(owner)
        if wait > 0:
            raise RateLimited(wait)


async def current_owner(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
    """FastAPI dependency: the caller's owner id (API key check and rate limit included).

    The dependencies here are `async` because they never block (memory and a short lock): a plain
    `def` would send each one to the thread pool, a hop per dependency per request."""
    auth: Auth = request.app.state.auth
    address = request.client.host if request.client else ""
    owner = auth.owner(credentials.credentials if credentials else None, address)
    auth.admit(owner)
    return owner


async def get_coach(request: Request) -> Coach:
    """FastAPI dependency: the app's coach, or 503 while it is still starting."""
    coach = getattr(request.app.state, "coach", None)
    if coach is None:
        raise ServiceUnavailable("The coach is still starting: retry in a few seconds.")
    return coach
