"""Mount the Bolt app in the coach's FastAPI app (HTTP mode)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

from bot.api.errors import error_body
from bot.config import Settings

SLACK_PATHS = ("/slack/events", "/slack/interactions", "/slack/commands")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds; anything else cannot be signed by Slack
UNSIGNED = "The request is not signed by Slack (or is over five minutes old): check SLACK_SIGNING_SECRET."
MALFORMED = "The request is signed but its payload is not a Slack JSON object."


def signed(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
    """True when Slack signed this body within the last five minutes; a malformed timestamp or
    signature, or a body that is not UTF-8 (which the SDK cannot check), is not signed."""
    timestamp = headers.get("x-slack-request-timestamp") or ""
    signature = headers.get("x-slack-signature") or ""
    if not _TIMESTAMP.fullmatch(timestamp) or not signature.isascii():
        return False
    try:
        return verifier.is_valid(body, timestamp, signature)
    except UnicodeDecodeError:
        return False


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's FastAPI handler, but dispatching in the thread pool so the event loop never blocks
    on Bolt's synchronous middleware (signature check, dedupe insert, ack wait).

    The signature is checked here first, so a forged body is never parsed or logged (Bolt logs
    the body of a request it refuses), and a signed body Bolt cannot parse is 400, not 500."""

    def __init__(self, app: App, signing_secret: str) -> None:
        super().__init__(app)
        self.verifier = SignatureVerifier(signing_secret)

    async def handle(self, req: Request, addition_context_properties: dict[str, Any] | None = None) -> Response:
        """Verify and dispatch one Slack request: 401 unsigned, 400 unparseable."""
        body = await req.body()
        if not signed(self.verifier, body, req.headers):
            return JSONResponse(error_body("unauthorized", UNSIGNED), status_code=401)
        try:
            bolt_req = to_bolt_request(req, body, addition_context_properties)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):  # not UTF-8, not JSON, not an object
            return JSONResponse(error_body("invalid_request", MALFORMED), status_code=400)
        if not isinstance(bolt_req.body, dict):
            return JSONResponse(error_body("invalid_request", MALFORMED), status_code=400)
        bolt_resp = await run_in_threadpool(self.app.dispatch, bolt_req)
        return to_starlette_response(bolt_resp)


def mount_slack(app: FastAPI, settings: Settings, bolt: App) -> None:
    """Route Slack's events, interactions and commands to the Bolt app; no-op without Slack.

    The app is `app.state.slack_app`; the composition root runs its inbox sweep."""
    if not settings.slack_enabled or settings.slack_signing_secret is None:
        return
    handler = ThreadedSlackRequestHandler(bolt, settings.slack_signing_secret.get_secret_value())
    app.state.slack_app = bolt

    async def slack_endpoint(req: Request) -> Response:
        return await handler.handle(req)

    for path in SLACK_PATHS:
        app.add_api_route(path, slack_endpoint, methods=["POST"], include_in_schema=False)
