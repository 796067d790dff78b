"""Interview state (stored as JSON with the session) and the reply type."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from bot.models import Citation, Statement

COMMANDS = ("skip", "back", "status", "report", "restart", "help")
HELP = (
    "I'm interviewing you about your pilot, one area at a time. Answer in your own words; "
    'ask me a question at any point ("why does this matter?"). Commands: `skip` (move on), '
    "`back` (previous question), `status` (progress), `report` (gap list so far), "
    "`restart` (start over), `help`."
)


class Snapshot(BaseModel):
    """Where the interview was before a step, for `back`."""

    step: int
    question_idx: int
    follow_ups: int
    n_statements: int


class InterviewState(BaseModel):
    """Everything needed to resume an interview; stored as JSON with the session."""

    version: int = 1
    pilot_name: str | None = None
    step: int = 0
    question_idx: int = 0
    follow_ups: int = 0
    statements: list[Statement] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    covered: list[str] = Field(default_factory=list)
    history: list[Snapshot] = Field(default_factory=list)
    last_question: str = ""
    done: bool = False


@dataclass
class Reply:
    """What the interview says back, and whether the caller should produce a report."""

    text: str
    topic: str
    question_id: str
    done: bool = False
    citations: list[Citation] = field(default_factory=list)
    want_report: bool = False
