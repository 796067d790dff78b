"""The HTTP adapter: FastAPI routes that convert requests, call a service, convert replies.

The full app (pilots, Slack, background jobs) is put together by `bot.factory.create_app`."""

from bot.api.app import create_api

__all__ = ["create_api"]
