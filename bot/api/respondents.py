"""Several respondents over HTTP: the lead names people per area (their API key); each person answers
through their link's token (sent in a header, never in a URL, so it stays out of access logs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from bot.api.deps import Auth, RateLimited, current_owner
from bot.api.schemas import MessageIn, TurnOut, error_responses
from bot.api.sessions import IDEMPOTENCY_DOC, SessionId, _turn_out
from bot.api.web import HEADERS, WEB_DIR
from bot.errors import NotFound
from bot.respondents.records import Person
from bot.respondents.service import Respondents

TOKEN_HEADER = "X-Respondent-Token"
LEAD = (401, 404, 429)  # the lead's routes: a key, their session, the rate limit
Owner = Annotated[str, Depends(current_owner)]
Text = Annotated[str, Field(max_length=320)]
# a public id (32 hex characters); anything else, an old integer id included, is a 404 from the service
RespondentId = Annotated[str, Path(description="The person's id (their `id` in GET .../respondents).")]


class PersonIn(BaseModel):
    """A person named for some areas: a name or an email (or both), optionally a role."""

    name: Text = ""
    email: Text = ""
    role: Annotated[str, Field(max_length=100)] = ""
    areas: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=20)


class NewRespondents(BaseModel):
    """The people to name, each for their areas (an area is answered by one person)."""

    respondents: list[PersonIn] = Field(min_length=1, max_length=20)


def respondent_token(request: Request, token: str = Header("", alias=TOKEN_HEADER)) -> str:
    """The link's token; wrong tokens from one address are limited like wrong API keys."""
    auth: Auth = request.app.state.auth
    address = request.client.host if request.client else ""
    if (wait := auth.guesses.wait(address)) > 0:
        raise RateLimited(wait, "Too many wrong links from this address")
    request.state.respond_address = address
    return token


def build_router(service: Respondents) -> APIRouter:
    """The respondents routes over one service."""
    r = APIRouter(prefix="/v1", tags=["respondents"])

    @r.post("/sessions/{session_id}/respondents", status_code=201, responses=error_responses(*LEAD, 413, 422))
    def invite(session_id: SessionId, body: NewRespondents, owner: Owner) -> dict[str, Any]:
        """Name a person per area; each gets a link (its token is shown only here) to answer their areas."""
        people = [Person(p.name, p.areas, p.role, p.email) for p in body.respondents]
        return {"respondents": [i.to_dict() for i in service.invite(session_id, owner, people, owner)]}

    @r.get("/sessions/{session_id}/respondents", responses=error_responses(*LEAD))
    def named(session_id: SessionId, owner: Owner) -> dict[str, Any]:
        """The people named in this interview, and whether each is invited, answering or done."""
        return {"respondents": [p.to_dict() for p in service.named(session_id, owner)]}

    @r.post("/sessions/{session_id}/respondents/remind", responses=error_responses(*LEAD))
    def remind(session_id: SessionId, owner: Owner) -> dict[str, Any]:
        """The people whose areas are still open (Slack respondents get a reminder in their thread)."""
        return {"reminded": [p.to_dict() for p in service.remind(session_id, owner, owner)]}

    @r.post("/sessions/{session_id}/respondents/{respondent_id}/link", responses=error_responses(*LEAD))
    def relink(session_id: SessionId, respondent_id: RespondentId, owner: Owner) -> dict[str, Any]:
        """A new link for a person (lost, leaked or expired): their old link stops working at once."""
        return service.relink(session_id, owner, respondent_id, owner).to_dict()

    @r.get("/respond", responses=error_responses(404, 429))
    def own(request: Request, token: Annotated[str, Depends(respondent_token)]) -> dict[str, Any]:
        """The link holder's areas and conversation (send the link's token in X-Respondent-Token)."""
        return _guarded(request, lambda: service.own(token).to_dict())

    @r.post("/respond/messages", response_model=TurnOut, responses=error_responses(404, 413, 422, 429))
    def answer(
        request: Request,
        body: MessageIn,
        token: Annotated[str, Depends(respondent_token)],
        idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_DOC),
    ) -> Any:
        """An answer from the link's holder; only their areas are asked."""
        return _guarded(request, lambda: _turn_out(service.answer(token, body.text, idempotency_key)))

    return r


def _guarded(request: Request, call: Callable[[], Any]) -> Any:
    """Run the call; a wrong token counts against the caller's address."""
    try:
        return call()
    except NotFound:
        request.app.state.auth.guesses.failed(request.state.respond_address)
        raise


page = APIRouter(include_in_schema=False)


@page.get("/respond")
def respond_page() -> FileResponse:
    """The page a respondent's link opens (the token is in the link's fragment)."""
    return FileResponse(WEB_DIR / "respond.html", media_type="text/html", headers=HEADERS)


def mount_respondents(app: FastAPI, service: Respondents) -> None:
    """Add the respondents API and the link's page."""
    app.include_router(build_router(service))
    app.include_router(page)
