"""The FastAPI app: `create_api(settings, coach, hooks)`; the composition root (`bot.factory`) adds the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Protocol

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from bot.api import misc, probes, sessions
from bot.api.deps import Auth
from bot.api.docs import install_docs
from bot.api.errors import BodyLimitMiddleware, CatchAllMiddleware, install_error_handlers
from bot.api.guard import HostGuardMiddleware
from bot.api.metrics import AppMetrics, MetricsMiddleware
from bot.api.openapi import install_openapi
from bot.api.web import mount_web
from bot.config import Settings

if TYPE_CHECKING:
    from bot.service import Coach

BODY_SLACK_BYTES = 16 * 1024
DESCRIPTION = (
    "Interview a team about its AI pilot, get a gap list across six operating-model "
    "dimensions with playbook citations, or ask the playbook a question. Errors share one "
    'shape: `{"error": {"code", "message"}}`. Send `Authorization: Bearer <key>` when the '
    "server has COACH_API_KEYS set."
)


class Hooks(Protocol):
    """What the composition root runs at start-up and shutdown (in a worker thread)."""

    def start(self, app: FastAPI) -> None:
        """Build what is missing, mount its routes, start background work."""
        ...

    def stop(self, app: FastAPI) -> None:
        """Stop background work."""
        ...


def body_limit(settings: Settings) -> int:
    """Largest request body accepted: the largest document in UTF-8, plus room for JSON."""
    return max(settings.max_document_chars, settings.max_message_chars) * 4 + BODY_SLACK_BYTES


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the composition root's start hook, serve, then its stop hook."""
    hooks: Hooks | None = app.state.hooks
    if hooks is not None:
        await run_in_threadpool(hooks.start, app)
    try:
        yield
    finally:
        if hooks is not None:
            await run_in_threadpool(hooks.stop, app)


def create_api(settings: Settings, coach: Coach | None = None, hooks: Hooks | None = None) -> FastAPI:
    """The HTTP API and web chat; no I/O here (`hooks.start` builds a coach not given).

    Routes added later (pilots, Slack) come from the composition root, so they may add routes
    but not middleware.
    """
    # no docs from FastAPI: it loads them from a CDN; install_docs serves them from here
    app = FastAPI(
        title="Readiness Coach",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings, app.state.coach, app.state.hooks = settings, coach, hooks
    app.state.auth = Auth(settings)
    app.state.metrics = AppMetrics(app.state)
    install_error_handlers(app)
    install_openapi(app)
    install_docs(app)
    # added innermost first: metrics see every response, including 413s and 500s
    uploads = {"/v1/assessments": settings.max_upload_bytes + BODY_SLACK_BYTES}
    app.add_middleware(BodyLimitMiddleware, limit=body_limit(settings), uploads=uploads)
    app.add_middleware(HostGuardMiddleware, settings=settings)
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.include_router(sessions.router)
    app.include_router(misc.router)
    app.include_router(probes.router)  # async probes: they never wait behind the threadpool
    mount_web(app)
    return app
