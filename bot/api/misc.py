"""One-shot assessments and grounded questions (the probes live in bot/api/probes.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from bot.api.deps import current_owner, get_coach
from bot.api.schemas import AnswerOut, AskIn, AssessmentIn, error_responses
from bot.api.uploads import is_multipart, read_json, read_upload, request_body_docs
from bot.models import Report
from bot.service import Coach

router = APIRouter(prefix="/v1", tags=["coach"])


@router.post(
    "/assessments",
    response_model=Report,
    responses=error_responses(400, 401, 413, 422, 429),
    openapi_extra=request_body_docs(),
)
async def assess(request: Request, owner: str = Depends(current_owner), coach: Coach = Depends(get_coach)) -> Report:
    """Assess a pilot write-up and return the report (only this key can use its id).

    Send JSON `{"text": ...}`, or a document (PDF, DOCX, PPTX, HTML, Markdown) as the multipart
    field `file`; evidence quotes from a document name their page, slide or section."""
    if is_multipart(request):
        upload = await read_upload(request)
        return await run_in_threadpool(coach.assess_file, upload.data, upload.name, upload.pilot_name, owner)
    body: AssessmentIn = await read_json(request)
    return await run_in_threadpool(coach.assess_text, body.text, body.pilot_name, owner)


@router.post("/ask", response_model=AnswerOut, responses=error_responses(401, 413, 422, 429))
def ask(body: AskIn, _owner: str = Depends(current_owner), coach: Coach = Depends(get_coach)) -> AnswerOut:
    """Answer a question from the playbook, with citations (in_scope false if not covered)."""
    answer = coach.ask(body.question)
    return AnswerOut(answer=answer.answer, citations=answer.citations, in_scope=answer.in_scope)
