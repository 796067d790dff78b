"""Data shapes shared by the core and every adapter: reports, turns, answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

REPORT_SCHEMA_VERSION = "1.2"
Status = Literal["gap", "unknown", "ready"]
Severity = Literal["critical", "high", "medium"]
Verdict = Literal["not_ready", "ready_with_conditions", "ready", "insufficient_evidence"]
WhyBasis = Literal["team", "general"]


def utcnow() -> datetime:
    """Timezone-aware now, in UTC."""
    return datetime.now(UTC)


class Citation(BaseModel):
    """A playbook passage an answer or gap rests on."""

    source: str
    section: str = ""
    title: str = ""
    text: str = ""
    location: str = ""  # 'p.3' or 'slide 7' when the passage comes from a PDF or a deck

    @property
    def label(self) -> str:
        """What a person reads: the passage's title, with the page or slide when there is one."""
        name = self.title or self.source.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("_", " ").capitalize()
        return f"{name}, {self.location}" if self.location else name

    @property
    def ref(self) -> str:
        """Where to look: 'docs/acme-policy.pdf p.3', 'steerco.pptx slide 7' or 'file.md#section'."""
        if self.location:
            return f"{self.source} {self.location}"
        return f"{self.source}#{self.section}" if self.section else self.source


class Statement(BaseModel):
    """Something the team said, with who said it and which question it answered."""

    text: str
    author: str | None = None
    topic: str = ""
    question_id: str = ""
    status: Status | None = None  # set when the team picked a quick reply: its meaning, not the reader's guess


def on_topic(area: str, statements: Iterable[Statement]) -> list[Statement]:
    """What the team said on an area's topic: its own answers and the opening answer that fed it."""
    return [s for s in statements if s.topic == area]


class Choice(BaseModel):
    """A quick reply to a question: what the button says, the text it sends, what it means."""

    label: str
    value: str
    status: Status | None = None  # the rubric status the answer maps to; None when it maps to none


class Evidence(BaseModel):
    """The team's own words behind a judgement."""

    quote: str
    author: str | None = None


class Judgement(BaseModel):
    """An engine's reading of one dimension from the team's statements."""

    dimension: str
    status: Status
    severity: Severity | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float = 0.0
    rationale: str = ""


class DimensionResult(BaseModel):
    """One dimension in the report."""

    id: str
    title: str
    status: Status
    severity: Severity | None = None
    level: int = Field(ge=1, le=5)
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str = ""
    engine: str | None = None  # who judged it (offline, openai); None when skipped, and in older reports


class Gap(BaseModel):
    """A gap the team can act on this week."""

    dimension: str
    severity: Severity
    title: str
    evidence: list[Evidence]
    why: str
    surfaces: str
    surfaces_after_days: int
    actions: list[str]
    citations: list[Citation]
    # schema 1.1 (defaults keep 1.0 reports loading)
    why_basis: WhyBasis = "general"  # team: built on the team's words; general: the playbook's text
    surfaced: bool = False  # the team says the failure already showed (surfaces is then in the past tense)
    move: int | None = None  # the playbook's this-week move (1-4) the gap belongs to, None for none
    names: list[str] = Field(default_factory=list)  # systems, people, groups and dates the team named here
    area: str = ""  # the area's readable name (the ready title), for people; `dimension` is for programs


class OpenQuestion(BaseModel):
    """A dimension without enough information: asked, not asserted."""

    dimension: str
    question: str
    title: str = ""  # the area's readable name (schema 1.1)


class InPlace(BaseModel):
    """An area the team has in place, in their own words (schema 1.1)."""

    dimension: str
    title: str
    evidence: list[Evidence] = Field(default_factory=list)


class Disagreement(BaseModel):
    """Two respondents who read one area differently (one says in place, the other a gap): both quoted."""

    dimension: str
    title: str
    in_place: list[Evidence] = Field(default_factory=list)  # who says it is in place, in their words
    gap: list[Evidence] = Field(default_factory=list)  # who says it is a gap, in theirs


class Report(BaseModel):
    """The assessment: verdict, dimensions, ranked gaps, open questions, what is in place (schema v1.1)."""

    schema_version: str = REPORT_SCHEMA_VERSION
    assessment_id: str | None = None  # its public id once stored; register a pilot for check-ins with it
    pilot_name: str | None = None
    verdict: Verdict
    summary: str
    agentic: bool = False
    agentic_evidence: list[Evidence] = Field(default_factory=list)
    agentic_engine: str | None = None  # who made the agentic check (offline, openai); None in older reports
    dimensions: list[DimensionResult]
    gaps: list[Gap]
    open_questions: list[OpenQuestion]
    in_place: list[InPlace] = Field(default_factory=list)  # what is in place, with the team's words (1.1)
    disagreements: list[Disagreement] = Field(default_factory=list)  # respondents who disagree on an area (1.1)
    engine: str  # offline or openai, or mixed when judgements came from both (the model and its fallback)
    rubric_version: str
    prompt_version: str
    reader_version: str = ""  # the trained reader behind the offline judgements (and the fallback)
    tense_version: str = ""  # 1.2: the trained tense head behind "where it surfaced" (empty when no gap needed it)
    created_at: datetime = Field(default_factory=utcnow)


class GroundedAnswer(BaseModel):
    """An answer from the playbook, with its citations; in_scope False when it isn't covered."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    in_scope: bool = True


class Turn(BaseModel):
    """The coach's reply to one message, with everything an adapter shows beside it."""

    session_id: str
    reply: str  # as stored in the transcript: the coach's words, then the report's brief when one was made
    topic: str
    question_id: str = ""
    done: bool = False
    citations: list[Citation] = Field(default_factory=list)
    message: str = ""  # the coach's words alone (without the brief), for adapters that post the report apart
    options: list[str] = Field(default_factory=list)  # quick replies that make sense now (commands)
    choices: list[Choice] = Field(default_factory=list)  # answer options to the question just asked
    report: Report | None = None  # the report this turn made and stored, if it made one
    assessment_id: str | None = None  # that report's stored public id
    gap_ids: list[str] = Field(default_factory=list)  # its gaps' public ids, in report order
    replayed: bool = False  # True when a retry with the same idempotency key got the stored turn back
