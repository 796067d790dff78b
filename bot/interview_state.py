"""Interview state (stored as JSON with the session) and the reply type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, Field

from bot.knowledge import Rubric
from bot.models import Choice, Citation, Statement, Status

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
    confirming: bool = False
    confirm_quote: str = ""
    confirm_status: Status | None = None


class Part(BaseModel):
    """One respondent's share of an interview split by area (bot/respondents): what it asks and says."""

    areas: list[str] = Field(default_factory=list)  # the only areas asked here (others are answered elsewhere)
    intro: bool = True  # ask the opening questions (the lead's interview does; a respondent's does not)
    hold: str = ""  # said at the end instead of making the report, while others still answer
    reports: bool = True  # False for a respondent: the report goes to the lead, not to them


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
    confirming: bool = False  # the current area was already answered: asking the team to confirm it
    confirm_quote: str = ""  # what they said that answered it (quoted in the confirmation)
    confirm_status: Status | None = None  # and what it means: a Yes records it with this status
    asked: list[str] = Field(default_factory=list)  # question ids asked so far, in order
    part: Part | None = None  # set when the interview is split between several respondents
    shared: list[Statement] = Field(default_factory=list)  # the other respondents' answers: reported, not asked

    def asks(self, area: str) -> bool:
        """Whether this interview asks about `area` ("" for the opening questions): all of them unless split."""
        if self.part is None:
            return True
        return self.part.intro if not area else area in self.part.areas

    def snapshot(self) -> Snapshot:
        """Where the interview is now, for `back`."""
        return Snapshot(
            step=self.step,
            question_idx=self.question_idx,
            follow_ups=self.follow_ups,
            n_statements=len(self.statements),
            confirming=self.confirming,
            confirm_quote=self.confirm_quote,
            confirm_status=self.confirm_status,
        )


@dataclass
class Reply:
    """What the interview says back, and whether the caller should produce a report."""

    text: str
    topic: str
    question_id: str
    done: bool = False
    citations: list[Citation] = field(default_factory=list)
    want_report: bool = False
    choices: list[Choice] = field(default_factory=list)  # answer options to the question asked


class Steps(Protocol):
    """What the commands may do to an interview: its public moves, no internals."""

    rubric: Rubric
    plan: list[tuple[str, str]]

    def start(self, pilot_name: str | None = None, part: Part | None = None) -> tuple[InterviewState, Reply]:
        """A fresh state and the opening question (`part`: one respondent's share)."""
        ...

    def topic(self, state: InterviewState) -> str:
        """The current topic."""
        ...

    def question_id(self, state: InterviewState) -> str:
        """The id of the question being asked."""
        ...

    def progress(self, state: InterviewState) -> dict[str, str]:
        """Per dimension: done, skipped, current or pending."""
        ...

    def advance(self, state: InterviewState, note: str = "") -> Reply:
        """Move to the next step and ask it."""
        ...

    def ask_current(self, state: InterviewState) -> Reply:
        """Ask the current step's question."""
        ...

    def choices(self, state: InterviewState) -> list[Choice]:
        """The answer options to the question being asked."""
        ...
