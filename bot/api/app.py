"""The FastAPI app: `create_app(settings, coach=None)`; a coach not given is built at startup."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

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

log = logging.getLogger(__name__)
SLACK_MODULE = "bot.slack.http"
CHECKINS_MODULE = "bot.checkins.http"
BODY_SLACK_BYTES = 16 * 1024
DESCRIPTION = (
    "Interview a team about its AI pilot, get a gap list across six operating-model "
    "dimensions with playbook citations, or ask the playbook a question. Errors share one "
    'shape: `{"error": {"code", "message"}}`. Send `Authorization: Bearer <key>` when the '
    "server has COACH_API_KEYS set."
)


def optional_module(name: str) -> ModuleType | None:
    """Import an optional adapter module; None only when that very module does not exist."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def body_limit(settings: Settings) -> int:
    """Largest request body accepted: the largest document in UTF-8, plus room for JSON."""
    return max(settings.max_document_chars, settings.max_message_chars) * 4 + BODY_SLACK_BYTES


def mount_extensions(app: FastAPI, settings: Settings, coach: Coach) -> None:
    """Let the Slack and check-in adapters add their routes (they may be absent)."""
    slack = optional_module(SLACK_MODULE)
    if slack is not None and settings.slack_enabled:
        slack.mount_slack(app, settings, coach)
    checkins = optional_module(CHECKINS_MODULE)
    if checkins is not None:
        app.state.checkins = checkins.mount_checkins(app, settings, coach)


def warm_up(coach: Coach) -> None:
    """Let the engine (and its offline fallback) load what it caches before traffic arrives."""
    # Without this, concurrent first requests all compute the same cached vectors at once.
    started = time.perf_counter()
    coach.engine.warm_up()
    log.info("warmed up the %s engine in %.1f s", coach.engine.name, time.perf_counter() - started)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Build the coach if none was given, warm it up, mount extensions, run background jobs."""
    state = app.state
    if state.coach is None:
        from bot.factory import build_coach  # heavy: the store, the index, the engine

        state.coach = await run_in_threadpool(build_coach, state.settings)
        mount_extensions(app, state.settings, state.coach)
    await run_in_threadpool(warm_up, state.coach)
    jobs: Any = getattr(state, "checkins", None)
    if jobs is not None:
        jobs.start()
    inbox: Any = getattr(state, "slack_inbox", None) if state.settings.scheduler_enabled else None
    if inbox is not None:
        inbox.start()  # replays Slack messages a crash left unstored, then sweeps every minute
    try:
        yield
    finally:
        if inbox is not None:
            inbox.stop()
        if jobs is not None:
            jobs.stop()


def create_app(settings: Settings, coach: Coach | None = None) -> FastAPI:
    """The HTTP API and web chat; no I/O here (a coach not given is built at startup).

    Extensions (Slack, check-ins) are mounted as soon as the coach exists: here when one is
    injected, else at startup, so they may add routes but not middleware.
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
    app.state.settings, app.state.coach = settings, coach
    app.state.auth = Auth(settings)
    app.state.metrics = AppMetrics(app.state)
    install_error_handlers(app)
    install_openapi(app)
    install_docs(app)
    # added innermost first: metrics see every response, including 413s and 500s
    app.add_middleware(BodyLimitMiddleware, limit=body_limit(settings))
    app.add_middleware(HostGuardMiddleware, settings=settings)
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.include_router(sessions.router)
    app.include_router(misc.router)
    app.include_router(probes.router)  # async probes: they never wait behind the threadpool
    mount_web(app)
    if coach is not None:
        mount_extensions(app, settings, coach)
    return app
