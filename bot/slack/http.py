"""Mount the Bolt app in the coach's FastAPI app (HTTP mode)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, Response
from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

from bot.config import Settings
from bot.service import Coach
from bot.slack.app import create_slack_app
from bot.slack.inbox import InboxSweeper

SLACK_PATHS = ("/slack/events", "/slack/interactions", "/slack/commands")


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's FastAPI handler, but dispatching in the thread pool so the event loop never blocks
    on Bolt's synchronous middleware (signature check, dedupe insert, ack wait)."""

    async def handle(self, req: Request, addition_context_properties: dict[str, Any] | None = None) -> Response:
        """Verify and dispatch one Slack request; Bolt answers 401 to a bad signature."""
        body = await req.body()
        bolt_req = to_bolt_request(req, body, addition_context_properties)
        bolt_resp = await run_in_threadpool(self.app.dispatch, bolt_req)
        return to_starlette_response(bolt_resp)


def mount_slack(app: FastAPI, settings: Settings, coach: Coach, bolt: App | None = None) -> None:
    """Route Slack's events, interactions and commands to the Bolt app; no-op without Slack.

    The inbox sweeper is `app.state.slack_inbox`; the app's lifespan starts and stops it when
    `scheduler_enabled` is on."""
    if not settings.slack_enabled:
        return
    bolt = bolt or create_slack_app(settings, coach)
    handler = ThreadedSlackRequestHandler(bolt)
    app.state.slack_app = bolt
    app.state.slack_inbox = InboxSweeper(bolt, coach.store.engine)

    async def slack_endpoint(req: Request) -> Response:
        return await handler.handle(req)

    for path in SLACK_PATHS:
        app.add_api_route(path, slack_endpoint, methods=["POST"], include_in_schema=False)
