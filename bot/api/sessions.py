"""Interview sessions over HTTP: start, send messages (JSON or SSE), view, report."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from itertools import chain
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from bot.api.deps import current_owner, get_coach
from bot.api.errors import INTERNAL, error_body
from bot.api.schemas import (
    MessageIn,
    MessageOut,
    NewSession,
    ProgressItem,
    SessionItem,
    SessionList,
    SessionOut,
    SessionStarted,
    TurnOut,
    error_responses,
)
from bot.coach_records import SessionSummary
from bot.errors import CoachError, InvalidInput, NotFound
from bot.models import Report, Turn
from bot.render import to_json, to_markdown
from bot.render_html import to_html
from bot.service import Coach

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["sessions"])
COMMON = (401, 404, 429)
SSE_DOC = {
    "description": "The reply. With `Accept: text/event-stream`: `event: token` events whose "
    'data is `{"text": "..."}`, then one `event: done` with the JSON fields below.',
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
}


# Session ids are 32 hex characters; anything far from that (a NUL, a control character, a
# path's worth of text) cannot name a session, and PostgreSQL refuses some of it outright.
_SESSION_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


async def session_ref(
    session_id: str = Path(description="The session's id."), _owner: str = Depends(current_owner)
) -> str:
    """The session id from the path (after the key check); one that cannot exist is 404 (async: it never
    blocks, so it runs on the event loop instead of a thread-pool hop)."""
    if not _SESSION_ID.fullmatch(session_id):
        raise NotFound("No session with that id: start a new one.")
    return session_id


SessionId = Annotated[str, Depends(session_ref)]

CLIENT_DOC = (
    "A random id the web page keeps for this browser (8-64 letters, digits, `-` or `_`). Without "
    "API keys, `GET /v1/sessions` lists only the interviews this browser started."
)
_CLIENT = re.compile(r"[0-9A-Za-z_-]{8,64}")


async def browser_client(
    x_coach_client: str | None = Header(None, alias="X-Coach-Client", description=CLIENT_DOC),
) -> str | None:
    """The browser id the web page sends, if any; a malformed one is 422."""
    if x_coach_client is not None and not _CLIENT.fullmatch(x_coach_client):
        raise InvalidInput("The X-Coach-Client header must be 8-64 letters, digits, - or _: reload the page.")
    return x_coach_client


Client = Annotated[str | None, Depends(browser_client)]


IDEMPOTENCY_DOC = (
    "Any unique string (1-200 printable characters) per message: a retry with the same key gets the "
    "stored reply back instead of being applied twice. Keys are kept per session."
)
REPLAYED = "Idempotent-Replayed"


def _turn_out(turn: Turn) -> TurnOut:
    return TurnOut(
        reply=turn.reply,
        topic=turn.topic,
        done=turn.done,
        citations=turn.citations,
        question_id=turn.question_id,
        options=turn.options,
        choices=turn.choices,
        assessment_id=turn.assessment_id,
        replayed=turn.replayed,
    )


@router.post(
    "/sessions",
    status_code=201,
    response_model=SessionStarted,
    responses=error_responses(401, 413, 422, 429),
)
def start_session(
    client: Client,
    body: NewSession | None = None,
    owner: str = Depends(current_owner),
    coach: Coach = Depends(get_coach),
) -> SessionStarted:
    """Start an interview; the reply is the coach's first question."""
    pilot = body.pilot_name if body else None
    turn = coach.start_session(owner=owner, channel="api", pilot_name=pilot, client=client)
    return SessionStarted(
        session_id=turn.session_id, reply=turn.reply, topic=turn.topic, done=turn.done, choices=turn.choices
    )


def _item(s: SessionSummary) -> SessionItem:
    return SessionItem(
        session_id=s.id,
        pilot_name=s.pilot_name,
        channel=s.channel,
        done=s.done,
        created_at=s.created_at.isoformat(),
        updated_at=s.updated_at.isoformat(),
        first_answer=s.first_answer,
        assessment_id=s.assessment_id,
        verdict=s.verdict,
    )


@router.get("/sessions", response_model=SessionList, responses=error_responses(401, 422, 429))
def list_sessions(
    request: Request,
    client: Client,
    limit: int = Query(20, ge=1, le=100, description="At most this many, most recently active first."),
    owner: str = Depends(current_owner),
    coach: Coach = Depends(get_coach),
) -> SessionList:
    """Earlier interviews: the API key's, or without keys the ones this browser started (X-Coach-Client)."""
    keyed = bool(request.app.state.auth.keys)
    found = coach.list_sessions(owner, client=None if keyed else client, limit=limit)
    return SessionList(sessions=[_item(s) for s in found])


def sse(event: str, data: dict[str, Any]) -> str:
    """One server-sent event with a JSON payload."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def sse_events(pieces: Iterator[str | Turn]) -> Iterator[str]:
    """`token` events for the text pieces, then `done` with the turn (or `error`)."""
    try:
        for piece in pieces:
            if isinstance(piece, Turn):
                yield sse("done", _turn_out(piece).model_dump(mode="json"))
            else:
                yield sse("token", {"text": piece})
    except CoachError as exc:
        yield sse("error", error_body(exc.code, str(exc)))
    except Exception:
        log.exception("error while streaming a reply")
        yield sse("error", error_body("internal", INTERNAL.format(ref="stream")))


def wants_stream(accept: str | None) -> bool:
    """True when the client asked for server-sent events."""
    return "text/event-stream" in (accept or "").lower()


@router.post(
    "/sessions/{session_id}/messages",
    response_model=TurnOut,
    responses={200: SSE_DOC, **error_responses(*COMMON, 413, 422)},
)
async def send_message(
    session_id: SessionId,
    body: MessageIn,
    request: Request,
    response: Response,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=IDEMPOTENCY_DOC),
    owner: str = Depends(current_owner),
    coach: Coach = Depends(get_coach),
) -> Any:
    """Send the team's answer (or a command: skip, back, status, report, restart, help).

    The message, the interview's progress, the report (when one is made) and the reply are stored
    together or not at all; with an `Idempotency-Key`, a retry returns the stored reply.

    The turn runs in the thread pool; the route is async so that checking and writing the reply stay
    on the event loop (a plain `def` route costs a second thread-pool hop to serialise the reply)."""
    if wants_stream(request.headers.get("accept")):
        pieces = coach.stream_message(session_id, body.text, owner=owner, idempotency_key=idempotency_key)
        first = await run_in_threadpool(
            next, pieces
        )  # a bad message or session is an HTTP error, before the first byte
        return StreamingResponse(
            sse_events(chain([first], pieces)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    turn = await run_in_threadpool(
        coach.send_message, session_id, body.text, owner=owner, idempotency_key=idempotency_key
    )
    if turn.replayed:
        response.headers[REPLAYED] = "true"
    return _turn_out(turn)


@router.get("/sessions/{session_id}", response_model=SessionOut, responses=error_responses(*COMMON))
def get_session(
    session_id: SessionId, owner: str = Depends(current_owner), coach: Coach = Depends(get_coach)
) -> SessionOut:
    """The transcript, the current topic and progress over the six dimensions."""
    view = coach.session_view(session_id, owner=owner)
    progress = [
        ProgressItem(dimension=d, title=view.titles[d], state=s)  # type: ignore[arg-type]
        for d, s in view.progress.items()
    ]
    return SessionOut(
        session_id=view.session_id,
        pilot_name=view.pilot_name,
        topic=view.topic,
        done=view.done,
        channel=view.channel,
        created_at=view.created_at,
        progress=progress,
        messages=[MessageOut(**m) for m in view.messages],
        choices=view.choices,
    )


@router.get(
    "/sessions/{session_id}/report",
    response_model=Report,
    responses={
        200: {
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            }
        },
        **error_responses(*COMMON),
    },
)
def get_report(
    session_id: SessionId,
    request: Request,
    fmt: Literal["json", "md", "html"] | None = Query(
        None, alias="format", description="Without it, `Accept: text/markdown` gets Markdown, anything else JSON."
    ),
    owner: str = Depends(current_owner),
    coach: Coach = Depends(get_coach),
) -> Response:
    """The gap list: the saved report when the interview is done, else from answers so far."""
    report = coach.report(session_id, owner=owner)
    fmt = fmt or ("md" if "text/markdown" in request.headers.get("accept", "").lower() else "json")
    vary = {"Vary": "Accept"}
    if fmt == "md":
        return Response(to_markdown(report), media_type="text/markdown; charset=utf-8", headers=vary)
    if fmt == "html":  # print-ready; nothing active in it, so the browser may render it inline
        return Response(
            to_html(report),
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
        )
    return Response(to_json(report), media_type="application/json", headers=vary)
