"""The interview: one area at a time, its questions in order until the area is settled; resumable."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.base import Engine
from bot.interview_commands import HANDLERS
from bot.interview_judge import Settling, own_answers
from bot.interview_replies import (
    AFTER_REPORT,
    CONFIRM_ID,
    NO,
    YES,
    after_report,
    answer_statements,
    confirm_choices,
    is_question,
    match_choice,
)
from bot.interview_state import COMMANDS, HELP, InterviewState, Part, Reply, Snapshot
from bot.knowledge import Dimension, IntroQuestion, Rubric
from bot.models import Choice, GroundedAnswer, Judgement, Report, Statement, on_topic
from bot.redact import scrub
from bot.text import quote

__all__ = ["COMMANDS", "HELP", "Interview", "InterviewState", "Reply", "Snapshot", "is_question"]

NAME_CHARS = 80  # a pilot name longer than this is cut (it titles the report)
OnToken = Callable[[str], None]  # receives an answer's text in pieces as it is produced
AskFn = Callable[[str, "str | None", str, "OnToken | None"], GroundedAnswer]
ACTIVE_OPTIONS = ("skip", "back", "status", "report")  # quick replies while the interview runs
DONE_OPTIONS = ("report", "restart")


class Interview:
    """Drives one interview over the rubric; stateless itself, the state is passed in."""

    def __init__(self, rubric: Rubric, engine: Engine, ask: AskFn) -> None:
        self.rubric = rubric
        self.engine = engine
        self.ask = ask
        self.plan: list[tuple[str, str]] = [("intro", q.id) for q in rubric.intro]
        self.plan += [("dim", d.id) for d in rubric.dimensions]
        self._intro = {q.id: q for q in rubric.intro}
        self.policy = rubric.interview
        self.judge = Settling(rubric, engine)  # every reading of the team's words goes through it

    # -- public --------------------------------------------------------------
    def start(self, pilot_name: str | None = None, part: Part | None = None) -> tuple[InterviewState, Reply]:
        """A fresh state and the opening question; `part` limits it to one respondent's areas."""
        state = InterviewState(pilot_name=pilot_name, part=part)
        name = f" about {pilot_name}" if pilot_name else ""
        then = "and then give you a gap list you can act on this week"
        if part is not None and not part.reports:
            areas = ", ".join(self.rubric.dimension(a).ready_title for a in part.areas)
            then = f"on your areas ({areas}); your answers go into one report with your colleagues'"
        opening = f"Hi! I'm the Readiness Coach. I'll ask you a few questions{name} {then}. "
        opening += "Type `help` at any time.\n\n"
        reply = self._enter(state)
        reply.text = opening + reply.text
        return state, reply

    def handle(
        self,
        state: InterviewState,
        text: str,
        author: str | None = None,
        on_token: OnToken | None = None,
        report: Report | None = None,
    ) -> Reply:
        """Process one message: a command, a quick reply, a question to the coach, or an answer.

        `on_token` receives the pieces of an answer to a question as they are produced; `report`
        is the stored report of a finished interview (what comes next is built from it)."""
        text = scrub(text)  # redacted once, here: no judgement, question or state of this turn sees the raw words
        command = text.strip().lower().lstrip("/")
        if command in COMMANDS:
            return HANDLERS[command](self, state)
        if state.done:
            return after_report(self.rubric, self.ask, text, report, on_token)  # what comes next, or an answer
        choice, rest = match_choice(self.choices(state), text)
        if choice is None and is_question(text):
            return self._answer_question(state, text, on_token)
        return self._take_answer(state, text, author, choice, rest)

    def judgements(self, state: InterviewState) -> dict[str, Judgement]:
        """The engine's reading of every dimension from what was said so far."""
        return self.judge.all_areas(self.rubric.dimensions, state.statements, state.skipped)

    def progress(self, state: InterviewState) -> dict[str, str]:
        """Per dimension: done, skipped, current or pending."""
        out = {}
        for i, (kind, ident) in enumerate(self.plan):
            if kind != "dim" or not state.asks(ident):
                continue
            if ident in state.skipped:
                out[ident] = "skipped"
            elif i < state.step or state.done:
                out[ident] = "done"
            elif i == state.step:
                out[ident] = "current"
            else:
                out[ident] = "pending"
        return out

    def options(self, state: InterviewState) -> list[str]:
        """The quick replies that make sense now: commands for a running or a finished interview."""
        return list(DONE_OPTIONS if state.done else ACTIVE_OPTIONS)

    def choices(self, state: InterviewState) -> list[Choice]:
        """The answer options to the question being asked (what to ask next, once done)."""
        if state.done:
            return list(AFTER_REPORT)
        kind, ident = self.plan[state.step]
        if kind == "intro":
            return list(self._intro[ident].choices)
        dim = self.rubric.dimension(ident)
        if state.confirming:
            return confirm_choices(state.confirm_status or "unknown")
        return list(dim.questions[state.question_idx].choices)

    def topic(self, state: InterviewState) -> str:
        """The API topic: `intro`, a dimension id, or `done`."""
        if state.done:
            return "done"
        kind, ident = self.plan[state.step]
        return "intro" if kind == "intro" else ident

    def question_id(self, state: InterviewState) -> str:
        """The id of the question being asked (`<area>.confirm` for a confirmation; empty once done)."""
        if state.done:
            return ""
        kind, ident = self.plan[state.step]
        if kind == "intro":
            return ident
        if state.confirming:
            return f"{ident}.{CONFIRM_ID}"
        questions = self.rubric.dimension(ident).questions
        return questions[min(state.question_idx, len(questions) - 1)].id

    # -- answers -------------------------------------------------------------
    def _take_answer(
        self, state: InterviewState, text: str, author: str | None, choice: Choice | None, rest: str
    ) -> Reply:
        kind, ident = self.plan[state.step]
        qid = self.question_id(state)
        if kind == "intro":
            return self._take_intro(state, self._intro[ident], text, author, choice)
        dim = self.rubric.dimension(ident)
        if state.confirming:
            return self._take_confirmation(state, dim, text, author, choice, rest)
        said = answer_statements(dim.id, qid, text, author, choice, rest)
        state.statements += said
        own = own_answers(dim, state.statements)
        if self.judge.settled(
            self.judge.area(dim, state.statements), own, about=on_topic(dim.id, state.statements)
        ) or self.judge.said_all(dim, said, own, state.statements):
            return self.advance(state)
        return self._next_question(state, dim, state.question_idx + 1)

    def _take_intro(
        self, state: InterviewState, q: IntroQuestion, text: str, author: str | None, choice: Choice | None
    ) -> Reply:
        if q.names_pilot:
            state.pilot_name = quote(text, NAME_CHARS)
            return self.advance(state, f"Thanks: I'll call it {state.pilot_name}.\n\n")
        # no follow-up on a short opening answer: the areas ask for the specifics anyway
        state.statements.append(Statement(text=text, author=author, topic=q.feeds or "intro", question_id=q.id))
        return self.advance(state)

    def _take_confirmation(
        self, state: InterviewState, dim: Dimension, text: str, author: str | None, choice: Choice | None, rest: str
    ) -> Reply:
        """Yes settles the area on the earlier words; no or not sure asks its questions."""
        qid = f"{dim.id}.{CONFIRM_ID}"  # (advance() ends the confirmation after remembering it for `back`)
        if choice is not None and choice.value == YES:
            said = Statement(
                text=state.confirm_quote, author=author, topic=dim.id, question_id=qid, status=state.confirm_status
            )
            state.statements.append(said)
            state.statements += answer_statements(dim.id, qid, rest, author, None, "") if rest else []
            return self.advance(state)
        if choice is not None:
            if choice.status == "unknown" or rest:
                state.statements += answer_statements(dim.id, qid, text, author, choice, rest)
            state.confirming = False
            return self._next_question(state, dim, 0, "Then let me ask. " if choice.value == NO else "")
        state.statements.append(Statement(text=text, author=author, topic=dim.id, question_id=qid))
        basis = own_answers(dim, state.statements)
        judged = self.judge.reply(dim, state.statements, basis)  # the reply's reading, not the quoted words'
        if judged.status == state.confirm_status:  # their words agree with the quoted ones: tested, as a yes is
            basis += [s for s in state.statements if state.confirm_quote.removesuffix("…") in " ".join(s.text.split())]
        if self.judge.settled(judged, basis):
            return self.advance(state)
        state.confirming = False
        return self._next_question(state, dim, 0)

    def _next_question(self, state: InterviewState, dim: Dimension, start: int, note: str = "") -> Reply:
        """Ask the area's next question not yet covered, or move on when none is left."""
        idx = self.judge.next_index(dim, state.statements, start)
        if idx is None:
            return self.advance(state, note)
        state.question_idx = idx
        reply = self.ask_current(state)
        reply.text = note + reply.text
        return reply

    def advance(self, state: InterviewState, note: str = "") -> Reply:
        """Move to the next step (remembering this one for `back`) and ask it."""
        state.history.append(state.snapshot())
        state.step += 1
        state.question_idx = 0
        state.follow_ups = 0
        state.confirming = False
        return self._enter(state, note)

    def _enter(self, state: InterviewState, note: str = "") -> Reply:
        """Open the current step: an area already answered gets one confirmation instead of its questions."""
        while state.step < len(self.plan):
            kind, ident = self.plan[state.step]
            if kind == "intro":
                if (self._intro[ident].names_pilot and state.pilot_name) or not state.asks(""):
                    state.step += 1
                    continue
                break
            if not state.asks(ident):  # answered by another respondent
                state.step += 1
                continue
            dim = self.rubric.dimension(ident)
            prior = self.judge.area(dim, state.statements)
            if self.judge.settled(prior, state.statements, self.policy.confirm):  # the confirmation is judged once
                state.confirming, state.confirm_status = True, prior.status
                state.confirm_quote = prior.evidence[0].quote
                break
            idx = self.judge.next_index(dim, state.statements, 0)
            if idx is not None:
                state.question_idx = idx
                break
            state.step += 1
        if state.step >= len(self.plan):
            state.done = True
            if state.part is not None and state.part.hold:
                return Reply(note + state.part.hold, "done", "", done=True)
            text = note + "That's everything I need. Here is your gap list."
            return Reply(text, "done", "", done=True, want_report=True, choices=list(AFTER_REPORT))
        reply = self.ask_current(state)
        reply.text = note + reply.text
        return reply

    def ask_current(self, state: InterviewState) -> Reply:
        """Ask the current step: an opening question, a confirmation, or an area's question in full."""
        kind, ident = self.plan[state.step]
        if kind == "intro":
            return self._say(state, self._intro[ident].ask)
        dim = self.rubric.dimension(ident)
        n = sum(1 for k, i in self.plan[: state.step + 1] if k == "dim" and state.asks(i))
        head = f"**{dim.ready_title}** ({n}/{sum(1 for d in self.rubric.dimensions if state.asks(d.id))}). "
        if state.confirming:
            said = state.confirm_quote
            return self._say(state, f'{head}You said "{quote(said, 140)}". Is that still true?')
        own = {q.id for q in dim.questions}
        opened = any(s.question_id in own or s.question_id.startswith(f"{dim.id}.") for s in state.statements)
        return self._say(state, ("" if opened else head) + dim.questions[state.question_idx].ask)

    def _say(self, state: InterviewState, text: str) -> Reply:
        state.last_question = text
        qid = self.question_id(state)
        if qid and qid not in state.asked:
            state.asked.append(qid)
        return Reply(text, self.topic(state), qid, done=state.done, choices=self.choices(state))

    # -- questions to the coach ------------------------------------------------
    def _answer_question(self, state: InterviewState, text: str, on_token: OnToken | None) -> Reply:
        topic = self.topic(state)
        dimension = topic if topic in {d.id for d in self.rubric.dimensions} else None
        answer = self.ask(text, dimension, state.last_question, on_token)
        back = f"\n\nBack to the interview: {state.last_question}" if state.last_question else ""
        return Reply(
            answer.answer + back,
            topic,
            self.question_id(state),
            done=state.done,
            citations=answer.citations,
            choices=self.choices(state),
        )
