"""One-shot assessments, grounded questions, and the health, readiness and metrics probes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.api.deps import current_owner, get_coach
from bot.api.errors import error_body
from bot.api.schemas import AnswerOut, AskIn, AssessmentIn, Health, NotReady, Ready, error_responses
from bot.models import Report
from bot.service import Coach

router = APIRouter(prefix="/v1", tags=["coach"])
probes = APIRouter(tags=["operations"])


@router.post("/assessments", response_model=Report, responses=error_responses(401, 413, 422, 429))
def assess(body: AssessmentIn, owner: str = Depends(current_owner), coach: Coach = Depends(get_coach)) -> Report:
    """Assess a free-text pilot description and return the report (only this key can use its id)."""
    return coach.assess_text(body.text, pilot_name=body.pilot_name, owner=owner)


@router.post("/ask", response_model=AnswerOut, responses=error_responses(401, 413, 422, 429))
def ask(body: AskIn, _owner: str = Depends(current_owner), coach: Coach = Depends(get_coach)) -> AnswerOut:
    """Answer a question from the playbook, with citations (in_scope false if not covered)."""
    answer = coach.ask(body.question)
    return AnswerOut(answer=answer.answer, citations=answer.citations, in_scope=answer.in_scope)


@probes.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up (no dependencies checked)."""
    return Health()


def _check(fn: Callable[[], str]) -> tuple[bool, str]:
    try:
        return True, fn()
    except Exception as exc:  # report what is wrong, whatever it is
        return False, str(exc) or type(exc).__name__


def _index_state(coach: Coach) -> str:
    coach.index.ping()
    count = coach.index.count()
    if count <= 0:
        raise RuntimeError("the playbook index is empty: run `coach index`")
    return f"ok ({count} passages)"


def _store_state(coach: Coach) -> str:
    coach.store.ping()
    return "ok"


def _engine_state(coach: Coach) -> str:
    name = getattr(coach.engine, "name", None)
    if not name:
        raise RuntimeError("no engine is configured: check COACH_ENGINE")
    return f"ok ({name})"


def readiness(coach: Coach | None) -> tuple[bool, dict[str, str]]:
    """Run every check; (all usable, message per check)."""
    if coach is None:
        return False, {"coach": "still starting: retry in a few seconds"}
    results = {
        "store": _check(lambda: _store_state(coach)),
        "index": _check(lambda: _index_state(coach)),
        "engine": _check(lambda: _engine_state(coach)),
    }
    return all(ok for ok, _ in results.values()), {k: msg for k, (_, msg) in results.items()}


@probes.get("/readyz", response_model=Ready, responses={503: {"model": NotReady}})
def readyz(request: Request) -> Any:
    """Store, index and engine are usable; 503 names the ones that are not."""
    coach = getattr(request.app.state, "coach", None)
    ok, checks = readiness(coach)
    if ok:
        return Ready(checks=checks, engine=str(coach.engine.name))  # type: ignore[union-attr]
    failing = "; ".join(f"{k}: {v}" for k, v in checks.items() if not v.startswith("ok"))
    body = error_body("unavailable", f"Not ready ({failing}).") | {"checks": checks}
    return JSONResponse(body, status_code=503)


@probes.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> Response:
    """Prometheus metrics of this app."""
    data = generate_latest(request.app.state.metrics.registry)
    return Response(data, media_type=CONTENT_TYPE_LATEST)
