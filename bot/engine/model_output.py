"""Checking what a model returned: JSON shapes (pydantic), verbatim evidence, citations, invented figures."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.engine.grounding import OUT_OF_SCOPE, citation
from bot.errors import ServiceUnavailable
from bot.models import Evidence, GroundedAnswer, Severity, Statement, Status
from bot.redact import scrub

if TYPE_CHECKING:
    from bot.index import Passage

OUT_OF_SCOPE_MARKER = "OUT_OF_SCOPE"
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LIST_ITEM = re.compile(r"^\s*\d+[.)]\s", re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b\d\.)\s+|\n+")  # "1. Do X" stays whole


class InvalidModelOutput(ServiceUnavailable):
    """The model answered, but not with what the prompt asked for (bad JSON, off-schema)."""

    code = "invalid_model_output"


class Quote(BaseModel):
    """An evidence quote as a model writes it."""

    quote: str
    author: str | None = None


class JudgementOut(BaseModel):
    """The JSON shape the judge_dimension prompt asks for."""

    model_config = ConfigDict(extra="ignore")
    status: Status
    severity: Severity | None = None
    evidence: list[Quote | str] = Field(default_factory=list)
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    rationale: str = ""

    @field_validator("severity", mode="before")
    @classmethod
    def _null_severity(cls, value: object) -> object:
        return None if value in ("", "null", "none", "None") else value


class AgenticOut(BaseModel):
    """The JSON shape the detect_agentic prompt asks for."""

    model_config = ConfigDict(extra="ignore")
    agentic: bool
    evidence: list[Quote | str] = Field(default_factory=list)


class ActionsOut(BaseModel):
    """The JSON shape the compose_actions prompt asks for."""

    model_config = ConfigDict(extra="ignore")
    actions: list[str] = Field(min_length=1, max_length=5)


def clean(text: str) -> str:
    """The team's text as it may reach a model: secrets masked first (no personal-data rule splits one),
    then personal data."""
    return scrub(text)


def fence(tag: str, text: str) -> str:
    """Neutralise our delimiter tags inside data so the data cannot close its own block."""
    return re.sub(rf"<\s*/?\s*{tag}\s*>", f"[{tag}]", text, flags=re.I)


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split()).casefold().strip(" \"'.,;:")


def verbatim_evidence(quotes: list[Quote | str], statements: list[Statement]) -> list[Evidence]:
    """Keep only quotes found word for word in a statement; the author comes from that statement."""
    kept: list[Evidence] = []
    for item in quotes:
        quote = (item.quote if isinstance(item, Quote) else item).strip().strip("\"'")
        needle = _norm(quote)
        source = next((s for s in statements if needle and needle in _norm(s.text)), None)
        if source is not None and len(needle) >= 3 and quote not in [e.quote for e in kept]:
            kept.append(Evidence(quote=quote, author=source.author))
    return kept


def numbers(text: str) -> set[str]:
    """The numbers written in a text, thousands separators removed."""
    return {n.replace(",", "") for n in _NUMBER.findall(_MARKER.sub(" ", text))}


def validate(schema: type[BaseModel], data: dict[str, Any]) -> Any:
    """Validate model JSON against a schema; InvalidModelOutput names the field."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InvalidModelOutput(f"the model's JSON is off-schema at '{where}'") from exc


def cleaned(statements: list[Statement]) -> list[Statement]:
    """Statements with their text cleaned for a prompt."""
    return [s.model_copy(update={"text": clean(s.text)}) for s in statements]


def statement_block(statements: list[Statement]) -> str:
    """Numbered statements, fenced, for a prompt."""
    lines = [f"{i}. {fence('team_statements', s.text)}" for i, s in enumerate(statements, 1)]
    return "\n".join(lines) or "(no statements)"


def bullets(items: list[str]) -> str:
    """A markdown bullet list."""
    return "\n".join(f"- {item}" for item in items)


def _cited(sentence: str, count: int) -> list[int]:
    found = [int(n) for m in _MARKER.findall(sentence) for n in re.findall(r"\d+", m)]
    return [n for n in found if 1 <= n <= count]


def ground(text: str, passages: list[Passage]) -> GroundedAnswer:
    """Map [n] markers to renumbered citations; strike sentences with unsupported numbers."""
    if OUT_OF_SCOPE_MARKER in text:
        return GroundedAnswer(answer=OUT_OF_SCOPE, in_scope=False)
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    cited = {n for s in sentences for n in _cited(s, len(passages))}
    supported = set().union(*(numbers(passages[n - 1].text) for n in cited))
    kept = [s for s in sentences if numbers(_LIST_ITEM.sub(" ", s)) <= supported]
    order = list(dict.fromkeys(n for s in kept for n in _cited(s, len(passages))))
    if not order:
        raise InvalidModelOutput("the answer cites no passage, or only sentences with invented figures")

    def renumber(match: re.Match[str]) -> str:
        valid = dict.fromkeys(_cited(match.group(0), len(passages)))
        return "".join(f"[{order.index(n) + 1}]" for n in valid)

    answer = " ".join(" ".join(_MARKER.sub(renumber, s).split()) for s in kept)
    return GroundedAnswer(answer=answer, citations=[citation(passages[n - 1]) for n in order])
