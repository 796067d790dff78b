"""Health, readiness and metrics probes: none waits behind the request threadpool.

Sync routes share one threadpool; while the model hangs, turns can fill it. So /healthz is
async and touches nothing, and /readyz and /metrics run their blocking checks in a small pool
of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.api.errors import error_body
from bot.api.schemas import Health, NotReady, Ready
from bot.service import Coach

router = APIRouter(tags=["operations"])
PROBE_THREADS = 4
T = TypeVar("T")


async def off_the_pool(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """Run blocking probe work in the probes' own threads, not the request threadpool."""
    state = request.app.state
    if getattr(state, "probe_limiter", None) is None:  # made here: a limiter needs the event loop
        state.probe_limiter = anyio.CapacityLimiter(PROBE_THREADS)
    return await anyio.to_thread.run_sync(fn, *args, limiter=state.probe_limiter)


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up (no dependencies checked, never waits on the model)."""
    return Health()


def _check(fn: Callable[[], str]) -> tuple[bool, str]:
    try:
        return True, fn()
    except Exception as exc:  # report what is wrong, whatever it is
        return False, str(exc) or type(exc).__name__


def _index_state(coach: Coach) -> str:
    count = coach.index_size()
    if count <= 0:
        raise RuntimeError("the playbook index is empty: run `coach index`")
    return f"ok ({count} passages)"


def _store_state(coach: Coach) -> str:
    coach.ping_store()
    return "ok"


def _engine_state(coach: Coach) -> str:
    name = coach.engine_name()
    if not name:
        raise RuntimeError("no engine is configured: check COACH_ENGINE")
    return f"ok ({name})"


def readiness(coach: Coach | None) -> tuple[bool, dict[str, str]]:
    """Run every check; (all usable, message per check).

    An open circuit is shown (`llm_circuit`) but is no failure: the fallback engine answers.
    """
    if coach is None:
        return False, {"coach": "still starting: retry in a few seconds"}
    results = {
        "store": _check(lambda: _store_state(coach)),
        "index": _check(lambda: _index_state(coach)),
        "engine": _check(lambda: _engine_state(coach)),
    }
    checks = {k: msg for k, (_, msg) in results.items()}
    if (circuit := coach.circuit_status()) is not None:
        checks["llm_circuit"] = f"ok ({circuit})"
    return all(ok for ok, _ in results.values()), checks


@router.get("/readyz", response_model=Ready, responses={503: {"model": NotReady}})
async def readyz(request: Request) -> Any:
    """Store, index and engine are usable; 503 names the ones that are not. Shows the LLM circuit."""
    coach = getattr(request.app.state, "coach", None)
    ok, checks = await off_the_pool(request, readiness, coach)
    if ok and coach is not None:
        return Ready(checks=checks, engine=str(coach.engine_name()))
    failing = "; ".join(f"{k}: {v}" for k, v in checks.items() if not v.startswith("ok"))
    body = error_body("unavailable", f"Not ready ({failing}).") | {"checks": checks}
    return JSONResponse(body, status_code=503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics of this app."""
    data = await off_the_pool(request, generate_latest, request.app.state.metrics.registry)
    return Response(data, media_type=CONTENT_TYPE_LATEST)
