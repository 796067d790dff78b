"""One error shape for every failure: `{"error": {"code", "message"}}`, never a stack trace."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.errors import CoachError

log = logging.getLogger(__name__)
INTERNAL = (
    "Something went wrong on our side: try again, and if it keeps happening give the operator this error id: {ref}."
)
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported"}
# FastAPI's words when the JSON parser fails other than on syntax; the parser's error is the cause
BODY_PARSE_DETAIL = "There was an error parsing the body"
SEE_DOCS = "send a JSON object as the route expects (see /docs)."


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    """An error response in the one shape."""
    return JSONResponse(error_body(code, message), status_code=status, headers=headers or None)


def count_error(app: Any, code: str) -> None:
    """Count an error response in the app's metrics, if it has them."""
    metrics = getattr(getattr(app, "state", None), "metrics", None)
    if metrics is not None:
        metrics.error(code)


def _coach_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CoachError)
    count_error(request.app, exc.code)
    if exc.status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    # RateLimited (bot.api.deps) and its kin carry whole seconds to wait
    retry_after = getattr(exc, "retry_after", None) if exc.code == "rate_limited" else None
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return error_response(exc.status, exc.code, str(exc), **headers)


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _what(error: Any) -> str:
    if error.get("type") in ("string_too_short", "string_pattern_mismatch"):
        return "is empty, send some text"
    return str(error.get("msg", "invalid"))


def validation_message(errors: list[Any]) -> str:
    """'Invalid request: text: Field required.' from pydantic's error list (first three)."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "The request body is not valid JSON: send a JSON object (see /docs)."
    items = [f"{_where(tuple(e.get('loc', ())))}: {_what(e)}" for e in errors[:3]]
    return f"Invalid request ({'; '.join(items)}): fix the fields named and see /docs."


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    count_error(request.app, "invalid_request")
    return error_response(422, "invalid_request", validation_message(list(exc.errors())))


def body_problem(cause: BaseException | None) -> str:
    """Why a request body could not be parsed, in a sentence that says what to send instead."""
    if isinstance(cause, UnicodeError):
        return f"The request body is not UTF-8 text: {SEE_DOCS}"
    if isinstance(cause, RecursionError):
        return f"The request body nests too deeply: {SEE_DOCS}"
    if isinstance(cause, ValueError) and "digits" in str(cause):
        return f"A number in the request body has too many digits: {SEE_DOCS}"
    return f"The request body is not valid JSON: {SEE_DOCS}"


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and exc.detail == BODY_PARSE_DETAIL:
        count_error(request.app, "invalid_request")
        return error_response(422, "invalid_request", body_problem(exc.__cause__))
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    count_error(request.app, code)
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = f"There is no {request.url.path}: see /docs for the API."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}: see /docs."
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, code, message, **(exc.headers or {}))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into the one error shape."""
    app.add_exception_handler(CoachError, _coach_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)


async def send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    """Answer from ASGI middleware, before any route: a JSON body with its length."""
    data = json.dumps(body).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class CatchAllMiddleware:
    """Log an unexpected exception with an id and answer 500 in the one shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            ref = uuid.uuid4().hex[:12]
            log.exception("unhandled error %s on %s %s", ref, scope.get("method"), scope["path"])
            count_error(scope.get("app"), "internal")
            if not started:
                await send_json(send, 500, error_body("internal", INTERNAL.format(ref=ref)))


class BodyLimitMiddleware:
    """Refuse request bodies over `limit` bytes before they are read or parsed (413)."""

    def __init__(self, app: ASGIApp, limit: int, uploads: dict[str, int] | None = None) -> None:
        self.app, self.limit = app, limit
        self.uploads = uploads or {}  # path -> limit for multipart uploads (documents to assess)

    def _message(self, limit: int, upload: bool) -> str:
        if upload:
            return f"The upload is over the limit of {limit:,} bytes (COACH_MAX_UPLOAD_BYTES): split the document."
        return f"The request body is over {limit:,} bytes: shorten the text or split it."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        upload = headers.get(b"content-type", b"").startswith(b"multipart/") and scope["path"] in self.uploads
        limit = self.uploads[scope["path"]] if upload else self.limit
        declared = headers.get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > limit:
            count_error(scope.get("app"), "too_large")
            await send_json(send, 413, error_body("too_large", self._message(limit, upload)))
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:  # a chunked body with no (or a false) length
                raise HTTPException(413, self._message(limit, upload))
            return message

        await self.app(scope, counting_receive, send)
