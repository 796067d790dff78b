"""The Bolt app: request verification, retry dedupe, listeners wired to the coach."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.checkins.pilots import Checkins
from bot.config import Settings
from bot.errors import ConfigError
from bot.gate.service import Gates
from bot.portfolio.service import Portfolio
from bot.respondents.service import Respondents
from bot.service import Coach
from bot.slack.actions import register_actions
from bot.slack.choices import register_choices
from bot.slack.conversation import Conversations
from bot.slack.files import register_files
from bot.slack.gate_buttons import register_gate_buttons
from bot.slack.home import register_home
from bot.slack.listeners import done_marker, register_listeners
from bot.slack.respondents import respondent_verbs
from bot.slack.setup_checkins import register_checkins_setup

log = logging.getLogger(__name__)
DEFAULT_API_URL = WebClient.BASE_URL
# Events that may carry the team's words: their listeners mark them done once the coach stored them.
# Any other event is marked done as soon as it is claimed (at most once: no second greeting).
STORES_WORDS = frozenset({"message", "app_mention"})
REPLAY = "readiness_inbox_replay"  # set in the context of a delivery the inbox replays (already claimed)
MISSING = "Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (from your Slack app's settings) first."
BOLT_VERIFICATION_LOGGER = "slack_bolt.RequestVerification"


class NoForgedBodies(logging.Filter):
    """Drop Bolt's 'Invalid request signature detected (..., body: ...)' line: the body is a
    stranger's, and may be large or hostile. The 401 is in the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the line that carries a refused request's body."""
        return not str(record.msg).startswith("Invalid request signature")


def quiet_forged_bodies() -> None:
    """Install NoForgedBodies on Bolt's verification logger (once)."""
    logger = logging.getLogger(BOLT_VERIFICATION_LOGGER)
    if not any(isinstance(f, NoForgedBodies) for f in logger.filters):
        logger.addFilter(NoForgedBodies())


def make_client(settings: Settings) -> WebClient:
    """A Web API client that honours Retry-After on rate limits and retries network errors."""
    if settings.slack_bot_token is None:
        raise ConfigError(MISSING)
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url or DEFAULT_API_URL,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


def dedupe_middleware(coach: Coach) -> Callable[..., Any]:
    """A global middleware: an event id runs until its work is stored; other repeats get a bare 200.

    A retry runs again only when the earlier claim is not done and older than the lease."""
    claims = coach.event_claims()

    def dedupe(body: dict[str, Any], context: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if context.get(REPLAY):  # the inbox took the claim over already
            next()
            return None
        if event_id and not claims.claim(str(event_id), payload=payload_of(body)):
            log.info("slack: event %s already handled or in progress; ignoring the retry", event_id)
            return BoltResponse(status=200, body="")
        if event_id and (body.get("event") or {}).get("type") not in STORES_WORDS:
            done_marker(claims, body)()
        next()
        return None

    return dedupe


def payload_of(body: dict[str, Any]) -> str | None:
    """The body to keep with a claim, so the inbox can replay it: only events carrying the team's words."""
    return json.dumps(body) if (body.get("event") or {}).get("type") in STORES_WORDS else None


def create_slack_app(
    settings: Settings,
    coach: Coach,
    checkins: Checkins,
    client: WebClient | None = None,
    process_before_response: bool = False,
    socket_mode: bool = False,
    respondents: Respondents | None = None,
    gates: Gates | None = None,
    portfolio: Portfolio | None = None,
) -> App:
    """The Bolt app; set `process_before_response` only on FaaS (lazy listeners still ack fast).

    In Socket Mode no request is signed, so the signing secret is optional there."""
    secret = settings.slack_signing_secret
    if secret is None and not socket_mode:
        raise ConfigError(MISSING)
    try:
        app = App(
            client=client or make_client(settings),
            signing_secret=secret.get_secret_value() if secret else "socket-mode",
            process_before_response=process_before_response,
            request_verification_enabled=True,  # bad signatures and stale timestamps get 401
            name="readiness-coach",
        )
    except (BoltError, SlackApiError, OSError) as exc:
        raise ConfigError(_auth_failure(exc)) from exc
    quiet_forged_bodies()
    app.use(dedupe_middleware(coach))
    convo = Conversations(coach, checkins)
    register_files(app, convo)  # before the generic message listener: Bolt runs the first that matches
    verbs = respondent_verbs(coach, convo, respondents, app.client) if respondents is not None else None
    register_listeners(app, convo, verbs)
    register_actions(app, coach, portfolio)
    register_checkins_setup(app, coach, checkins)
    register_home(app, coach, portfolio)
    register_choices(app, convo)
    if gates is not None:
        register_gate_buttons(app, gates)
    return app


def _auth_failure(exc: Exception) -> str:
    """One sentence for a bot token Slack rejected or a Slack API that can't be reached."""
    if isinstance(exc, OSError):
        return "Cannot reach the Slack API to check SLACK_BOT_TOKEN: check the network or COACH_SLACK_API_URL."
    return (
        "Slack rejected SLACK_BOT_TOKEN: copy the Bot User OAuth Token (xoxb-…) from "
        "your app's OAuth & Permissions page."
    )
