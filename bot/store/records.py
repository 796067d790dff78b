"""Plain records the Store returns: detached copies, safe to use after the session closes."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from bot.models import Report
from bot.store.tables import AssessmentRow, AuditRow, GapRow, MessageRow, SessionRow

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from sqlalchemy import Row

R = TypeVar("R", bound="DataclassInstance")


def from_row(cls: type[R], row: object, **converted: Any) -> R:
    """A `cls` record copied from a row: each field is the row's attribute of that name, except the
    fields given in `converted` (a deep copy, a default, a value from elsewhere); a name there that is
    not a field is a TypeError, a field the row lacks an AttributeError."""
    copied = {name: getattr(row, name) for name in _field_names(cls) if name not in converted}
    return cls(**copied, **converted)


@cache
def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class SessionRecord:
    """An interview session; `state` is the interview's own data, opaque to the store."""

    id: str
    owner: str
    channel: str
    external_key: str | None
    pilot_name: str | None
    state: dict[str, Any]
    status: str
    created_at: datetime
    updated_at: datetime
    version: int = 0
    client: str | None = None

    @classmethod
    def of(cls, row: SessionRow | Row[Any], fresh: bool = False) -> SessionRecord:
        """Copy a row into a record; `fresh`: the row was just read and is dropped after, so its
        state (parsed from JSON for this read alone) is handed over without a deep copy."""
        state = (row.state or {}) if fresh else copy.deepcopy(row.state or {})
        return from_row(cls, row, state=state, version=row.version or 0)


@dataclass(frozen=True)
class SessionDigest:
    """What a list of sessions shows besides the session: its first answer and latest report."""

    first_answer: str | None = None
    assessment_id: str | None = None  # the latest report's public id
    verdict: str | None = None


@dataclass(frozen=True)
class MessageRecord:
    """One stored turn; `text` equals `redacted_text` unless originals are kept."""

    id: int
    session_id: str
    role: str
    author: str | None
    text: str
    redacted_text: str
    created_at: datetime
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: MessageRow) -> MessageRecord:
        """Copy a row into a record."""
        return from_row(cls, row, meta=copy.deepcopy(row.meta or {}))


@dataclass(frozen=True)
class AssessmentRecord:
    """A stored assessment with its report parsed back into the schema (its `assessment_id` is
    the public id; `id` is the internal key)."""

    id: int
    session_id: str | None
    report: Report
    verdict: str
    engine: str
    rubric_version: str
    prompt_version: str
    created_at: datetime
    owner: str | None = None
    public_id: str = ""

    @classmethod
    def of(cls, row: AssessmentRow) -> AssessmentRecord:
        """Copy a row into a record."""
        return from_row(cls, row, report=stored_report(row))


def stored_report(row: AssessmentRow) -> Report:
    """The stored report, named by the assessment's public id (never by its integer key)."""
    return Report.model_validate({**row.report, "assessment_id": row.public_id})


@dataclass(frozen=True)
class GapRecord:
    """A tracked gap: where it came from, how bad, who owns it, where it stands. `id` and
    `assessment_id` are internal keys; `public_id` and `assessment_public_id` what adapters show."""

    id: int
    assessment_id: int
    dimension: str
    severity: str
    status: str
    title: str
    evidence: list[dict[str, Any]]
    owner: str | None
    updated_at: datetime
    public_id: str = ""
    assessment_public_id: str = ""

    @classmethod
    def of(cls, row: GapRow, assessment_public_id: str) -> GapRecord:
        """Copy a row (and its assessment's public id) into a record."""
        evidence = copy.deepcopy(row.evidence or [])
        return from_row(cls, row, evidence=evidence, assessment_public_id=assessment_public_id)


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry."""

    id: int
    at: datetime
    kind: str
    subject: str
    actor: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, row: AuditRow) -> AuditRecord:
        """Copy a row into a record."""
        return from_row(cls, row, detail=copy.deepcopy(row.detail or {}))
