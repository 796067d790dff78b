"""Reading a one-shot assessment request: JSON text, or a document sent as multipart/form-data."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from bot.api.errors import BODY_PARSE_DETAIL
from bot.api.schemas import AssessmentIn
from bot.documents.errors import SUPPORTED_TEXT
from bot.errors import InvalidInput

NO_FILE = f"Send the document as the multipart field `file`: {SUPPORTED_TEXT}."


@dataclass
class Upload:
    """A document sent to be assessed."""

    data: bytes
    name: str
    pilot_name: str | None


def is_multipart(request: Request) -> bool:
    """True when the request carries a form upload rather than JSON."""
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


async def read_upload(request: Request) -> Upload:
    """The `file` field (and optional `pilot_name`) of a multipart request."""
    form = await request.form(max_files=1, max_fields=4)
    upload, pilot = form.get("file"), form.get("pilot_name")
    if not isinstance(upload, UploadFile):
        raise InvalidInput(NO_FILE)
    name = upload.filename or "upload"
    data = await upload.read()
    return Upload(data=data, name=name, pilot_name=pilot if isinstance(pilot, str) and pilot else None)


async def read_json(request: Request) -> AssessmentIn:
    """The JSON body, validated as FastAPI would have: a 422 naming the field otherwise."""
    raw = await request.body()
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise HTTPException(400, BODY_PARSE_DETAIL) from exc
    try:
        return AssessmentIn.model_validate(value)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors, body=value) from exc


def request_body_docs() -> dict[str, object]:
    """OpenAPI for a body that is either JSON text or a multipart document."""
    upload = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": SUPPORTED_TEXT},
            "pilot_name": {"type": "string", "minLength": 1, "maxLength": 200},
        },
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": AssessmentIn.model_json_schema()},
                "multipart/form-data": {"schema": upload},
            },
        }
    }
