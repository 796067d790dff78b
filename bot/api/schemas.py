"""Request and response bodies of the HTTP API (they make the OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

from bot.limits import clean_text
from bot.models import Choice, Citation

ProgressState = Literal["done", "skipped", "current", "pending"]
# At least one visible character; the core also rejects binary input and text over its limit.
Text = Annotated[str, Field(min_length=1, pattern=r"\S")]
PILOT_NAME_CHARS = 200


def cleaned(max_chars: int, what: str) -> AfterValidator:
    """The message-text cleaning for any other text field: no NUL or binary, trimmed, at most
    `max_chars` (its InvalidInput or InputTooLarge answers 422 or 413, as for a message)."""
    return AfterValidator(lambda value: clean_text(value, max_chars, what))


def limit(max_chars: int) -> Any:
    """Show a cleaned field's limits in the schema (the cleaning itself enforces them)."""
    return Field(json_schema_extra={"minLength": 1, "maxLength": max_chars})


PilotName = Annotated[str, limit(PILOT_NAME_CHARS), cleaned(PILOT_NAME_CHARS, "pilot name")]


def _as_text(value: object) -> object:
    """An old client's integer id becomes text, which names nothing (404, not 422)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# A record's public id in a body (e.g. `assessment_id`): any text up to 64 characters; the service
# finds only real public ids (32 hex characters) and answers 404 for the rest.
PublicRef = Annotated[str, BeforeValidator(_as_text), Field(min_length=1, max_length=64)]


class ErrorDetail(BaseModel):
    """What went wrong, as a short code and one sentence a person can act on."""

    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["No session abc: start a new interview."])


class ErrorBody(BaseModel):
    """The one error shape every route returns."""

    error: ErrorDetail


class NewSession(BaseModel):
    """Optional details for a new interview."""

    pilot_name: PilotName | None = Field(default=None, examples=["Support triage assistant"])


class SessionStarted(BaseModel):
    """A new session and the coach's first question."""

    session_id: str
    reply: str
    topic: str = Field(description="`intro`, a dimension id, or `done`.")
    done: bool
    choices: list[Choice] = Field(
        default_factory=list,
        description="Answer options to the question just asked: send a `value` as the message text (evidence may "
        "follow it after a colon); `status` is what the option means for the area (gap, ready, unknown) or null.",
    )


class MessageIn(BaseModel):
    """One message from the team."""

    text: Text = Field(examples=["Our data is a CSV export someone refreshes by hand."])


class TurnOut(BaseModel):
    """The coach's reply to one message."""

    reply: str
    topic: str = Field(description="`intro`, a dimension id, or `done`.")
    done: bool
    citations: list[Citation] = Field(default_factory=list)
    question_id: str = Field("", description="The id of the question the coach is asking now (empty when done).")
    options: list[str] = Field(default_factory=list, description="Quick replies that make sense now (commands).")
    choices: list[Choice] = Field(
        default_factory=list,
        description="Answer options to the question just asked: send a `value` as the message text (evidence may "
        "follow it after a colon); `status` is what the option means for the area (gap, ready, unknown) or null.",
    )
    assessment_id: str | None = Field(None, description="The stored report's public id when this turn made one.")
    replayed: bool = Field(
        False, description="True when this is the stored reply to an earlier request with the same Idempotency-Key."
    )


class ProgressItem(BaseModel):
    """Where the interview stands on one dimension."""

    dimension: str
    title: str
    state: ProgressState


class MessageOut(BaseModel):
    """One stored message of the transcript."""

    role: str = Field(description="`user` or `coach`.")
    text: str
    author: str | None = None
    at: str
    citations: list[Citation] = Field(
        default_factory=list, description="A coach answer's sources, in the order of its [n] markers."
    )


class SessionOut(BaseModel):
    """A session: state, progress over the six dimensions, and the transcript."""

    session_id: str
    pilot_name: str | None
    topic: str
    done: bool
    channel: str
    created_at: str
    progress: list[ProgressItem]
    messages: list[MessageOut]
    choices: list[Choice] = Field(
        default_factory=list,
        description="Answer options to the question the coach asked last (what to ask next, once done), so a client "
        "that reloads the transcript can show them again.",
    )


class AssessmentIn(BaseModel):
    """A free-text pilot description: a one-pager, a status update."""

    text: Text
    pilot_name: PilotName | None = None


class AskIn(BaseModel):
    """A question about getting a pilot to production."""

    question: Text = Field(examples=["What does good governance look like?"])


class AnswerOut(BaseModel):
    """An answer from the playbook with its citations."""

    answer: str
    citations: list[Citation]
    in_scope: bool


class Health(BaseModel):
    """The process is up."""

    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    """Store, index and engine are usable."""

    status: Literal["ready"] = "ready"
    checks: dict[str, str]
    engine: str


class NotReady(ErrorBody):
    """What is not usable, per check."""

    checks: dict[str, str]


class SessionItem(BaseModel):
    """One earlier interview in a list."""

    session_id: str
    pilot_name: str | None
    channel: str
    done: bool
    created_at: str
    updated_at: str
    first_answer: str | None = Field(description="The team's first answer (as stored: redacted), shortened.")
    assessment_id: str | None = Field(description="The latest stored report's public id (register check-ins with it).")
    verdict: str | None = Field(description="That report's verdict.")


class SessionList(BaseModel):
    """Earlier interviews, most recently active first."""

    sessions: list[SessionItem]


_DESCRIPTIONS = {
    400: "A malformed multipart upload.",
    401: "Missing or unknown API key.",
    404: "Unknown session (or one that belongs to another key).",
    413: "The text or the request body is too large.",
    422: "A malformed body, or text that is empty or not plain text.",
    429: "Too many requests for this key; see Retry-After.",
    503: "A backing service is not usable.",
}


# One example per status, so /docs shows each error as it comes (not the 404 under every status).
ERROR_EXAMPLES: dict[int, tuple[str, str]] = {
    400: ("invalid_request", "The upload is not a valid multipart form: send the file as the `file` field."),
    401: ("unauthorized", "Missing API key: send `Authorization: Bearer <key>`."),
    404: ("not_found", "No session with that id: start a new one."),
    413: ("too_large", "The message is 9,000 characters, over the limit of 8,000 characters: shorten it or split it."),
    422: ("invalid_request", "Invalid request (text: is empty, send some text): fix the fields named and see /docs."),
    429: ("rate_limited", "Too many requests for this key: wait 12 s and try again."),
    503: ("unavailable", "The coach is still starting: retry in a few seconds."),
}


def error_example(status: int) -> dict[str, Any]:
    """The JSON example of one error status."""
    code, message = ERROR_EXAMPLES[status]
    return {"error": {"code": code, "message": message}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer with, each with its own example."""
    return {
        s: {
            "model": ErrorBody,
            "description": _DESCRIPTIONS[s],
            "content": {"application/json": {"example": error_example(s)}},
        }
        for s in statuses
    }
