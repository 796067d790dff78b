"""One-shot assessments and grounded questions (the probes live in bot/api/probes.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from bot.api.deps import current_owner, get_coach
from bot.api.schemas import AnswerOut, AskIn, AssessmentIn, error_responses
from bot.models import Report
from bot.service import Coach

router = APIRouter(prefix="/v1", tags=["coach"])


@router.post("/assessments", response_model=Report, responses=error_responses(401, 413, 422, 429))
def assess(body: AssessmentIn, owner: str = Depends(current_owner), coach: Coach = Depends(get_coach)) -> Report:
    """Assess a free-text pilot description and return the report (only this key can use its id)."""
    return coach.assess_text(body.text, pilot_name=body.pilot_name, owner=owner)


@router.post("/ask", response_model=AnswerOut, responses=error_responses(401, 413, 422, 429))
def ask(body: AskIn, _owner: str = Depends(current_owner), coach: Coach = Depends(get_coach)) -> AnswerOut:
    """Answer a question from the playbook, with citations (in_scope false if not covered)."""
    answer = coach.ask(body.question)
    return AnswerOut(answer=answer.answer, citations=answer.citations, in_scope=answer.in_scope)
