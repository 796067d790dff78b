"""The HTTP adapter: FastAPI routes that convert requests, call the Coach, convert replies."""

from bot.api.app import create_app

__all__ = ["create_app"]
