"""The interview: one area at a time, follow-ups on vague answers, commands, resumable state."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.engine.base import Engine
from bot.interview_commands import HANDLERS
from bot.interview_state import COMMANDS, HELP, InterviewState, Reply, Snapshot
from bot.knowledge import Dimension, Rubric
from bot.models import GroundedAnswer, Judgement, Statement
from bot.text import lower_first, quote, words

__all__ = ["COMMANDS", "HELP", "Interview", "InterviewState", "Reply", "Snapshot", "is_question"]

_QUESTION_START = re.compile(
    r"^(?:why|what|how|when|who|where|which|can|could|should|would|is|are|does|do|explain|tell me)\b",
    re.I,
)
MAX_FOLLOW_UPS = 2
# Confidences are the reader's calibrated probabilities (bot/reading/judge.py).
FOLLOW_UP_CONFIDENCE = 0.6  # below this a judgement rests on too little: ask for specifics
SKIP_CONFIDENCE = 0.85  # an area is skipped only when an earlier answer was near-certainly about it being in place
OnToken = Callable[[str], None]  # receives an answer's text in pieces as it is produced
AskFn = Callable[[str, "str | None", str, "OnToken | None"], GroundedAnswer]
ACTIVE_OPTIONS = ("skip", "back", "status", "report")  # quick replies while the interview runs
DONE_OPTIONS = ("report", "restart")


def is_question(text: str) -> bool:
    """A question to the coach rather than an answer to the coach."""
    t = text.strip()
    if not t.endswith("?"):
        return False
    return len(words(t)) <= 30 and bool(_QUESTION_START.match(t) or len(words(t)) <= 12)


class Interview:
    """Drives one interview over the rubric; stateless itself, the state is passed in."""

    def __init__(self, rubric: Rubric, engine: Engine, ask: AskFn) -> None:
        self.rubric = rubric
        self.engine = engine
        self.ask = ask
        self.plan: list[tuple[str, str]] = [("intro", q.id) for q in rubric.intro]
        self.plan += [("dim", d.id) for d in rubric.dimensions]
        self._intro = frozenset(q.id for q in rubric.intro)

    # -- public --------------------------------------------------------------
    def start(self, pilot_name: str | None = None) -> tuple[InterviewState, Reply]:
        """A fresh state and the opening question."""
        state = InterviewState(pilot_name=pilot_name)
        name = f" about {pilot_name}" if pilot_name else ""
        opening = (
            f"Hi! I'm the Readiness Coach. I'll ask you a few questions{name} and then give you "
            "a gap list you can act on this week. Type `help` at any time.\n\n"
        )
        reply = self.ask_current(state)
        reply.text = opening + reply.text
        return state, reply

    def handle(
        self, state: InterviewState, text: str, author: str | None = None, on_token: OnToken | None = None
    ) -> Reply:
        """Process one message: a command, a question to the coach, or an answer.

        `on_token` receives the pieces of an answer to a question as they are produced."""
        command = text.strip().lower().lstrip("/")
        if command in COMMANDS:
            return HANDLERS[command](self, state)
        if state.done:
            return Reply(
                "The interview is finished. Type `report` for the gap list or `restart`.",
                "done",
                "",
                done=True,
            )
        if is_question(text):
            return self._answer_question(state, text, on_token)
        return self._take_answer(state, text, author)

    def judgements(self, state: InterviewState) -> dict[str, Judgement]:
        """The engine's reading of every dimension from what was said so far."""
        out = {}
        for dim in self.rubric.dimensions:
            if dim.id in state.skipped:
                out[dim.id] = Judgement(dimension=dim.id, status="unknown", rationale="skipped")
            else:
                out[dim.id] = self.engine.judge(dim, state.statements)
        return out

    def progress(self, state: InterviewState) -> dict[str, str]:
        """Per dimension: done, skipped, current or pending."""
        out = {}
        for i, (kind, ident) in enumerate(self.plan):
            if kind != "dim":
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

    def topic(self, state: InterviewState) -> str:
        """The API topic: `intro`, a dimension id, or `done`."""
        if state.done:
            return "done"
        kind, ident = self.plan[state.step]
        return "intro" if kind == "intro" else ident

    # -- answers -------------------------------------------------------------
    def _take_answer(self, state: InterviewState, text: str, author: str | None) -> Reply:
        kind, ident = self.plan[state.step]
        qid = self.question_id(state)
        if kind == "intro":
            feeds = next(q.feeds for q in self.rubric.intro if q.id == ident) or "intro"
            state.statements.append(Statement(text=text, author=author, topic=feeds, question_id=qid))
            intro_q = next(q for q in self.rubric.intro if q.id == ident)
            if len(words(text)) < 3 and intro_q.follow_ups and state.follow_ups < 1:
                state.follow_ups += 1
                return self._say(state, intro_q.follow_ups[0])
            return self.advance(state)
        dim = self.rubric.dimension(ident)
        state.statements.append(Statement(text=text, author=author, topic=dim.id, question_id=qid))
        judgement = self.engine.judge(dim, state.statements)
        unsure = judgement.status == "unknown" or judgement.confidence < FOLLOW_UP_CONFIDENCE
        if unsure and state.follow_ups < MAX_FOLLOW_UPS:
            return self._follow_up(state, dim)
        return self.advance(state)

    def _follow_up(self, state: InterviewState, dim: Dimension) -> Reply:
        question = dim.questions[min(state.question_idx, len(dim.questions) - 1)]
        default = question.follow_ups[state.follow_ups % len(question.follow_ups)]
        state.follow_ups += 1
        return self._say(state, self.engine.follow_up(dim, question, state.statements, default))

    def advance(self, state: InterviewState, note: str = "") -> Reply:
        """Move to the next step (remembering this one for `back`) and ask it."""
        state.history.append(self._snapshot(state))
        state.step += 1
        state.question_idx = 0
        state.follow_ups = 0
        return self._enter(state, note)

    def _enter(self, state: InterviewState, note: str = "") -> Reply:
        """Ask the current step, skipping a dimension the team already covered."""
        while state.step < len(self.plan):
            kind, ident = self.plan[state.step]
            if kind != "dim":
                break
            dim = self.rubric.dimension(ident)
            prior = self.engine.judge(dim, state.statements)
            # the opening questions are shallow by design: they never cover an area on their own
            beyond_intro = self.engine.judge(dim, [s for s in state.statements if s.question_id not in self._intro])
            if beyond_intro.status == "ready" and beyond_intro.confidence >= SKIP_CONFIDENCE and beyond_intro.evidence:
                state.covered.append(dim.id)
                said = quote(beyond_intro.evidence[0].quote, 90)
                note += f'You already covered {lower_first(dim.ready_title)} ("{said}"), so I will skip it.\n\n'
                state.step += 1
                continue
            if prior.status == "gap" and prior.evidence:
                reply = self._follow_up(state, dim)
                reply.text = note + reply.text
                return reply
            break
        if state.step >= len(self.plan):
            state.done = True
            return Reply(
                note + "That's everything I need. Here is your gap list.",
                "done",
                "",
                done=True,
                want_report=True,
            )
        reply = self.ask_current(state)
        reply.text = note + reply.text
        return reply

    def ask_current(self, state: InterviewState) -> Reply:
        """Ask the current step's question."""
        kind, ident = self.plan[state.step]
        if kind == "intro":
            text = next(q.ask for q in self.rubric.intro if q.id == ident)
        else:
            dim = self.rubric.dimension(ident)
            n = sum(1 for k, _ in self.plan[: state.step + 1] if k == "dim")
            text = f"**{dim.ready_title}** ({n}/{len(self.rubric.dimensions)}). {dim.questions[state.question_idx].ask}"
        return self._say(state, text)

    def _say(self, state: InterviewState, text: str) -> Reply:
        state.last_question = text
        return Reply(text, self.topic(state), self.question_id(state), done=state.done)

    def question_id(self, state: InterviewState) -> str:
        """The id of the question being asked (empty once done)."""
        if state.done:
            return ""
        kind, ident = self.plan[state.step]
        if kind == "intro":
            return ident
        questions = self.rubric.dimension(ident).questions
        return questions[min(state.question_idx, len(questions) - 1)].id

    def _snapshot(self, state: InterviewState) -> Snapshot:
        return Snapshot(
            step=state.step,
            question_idx=state.question_idx,
            follow_ups=state.follow_ups,
            n_statements=len(state.statements),
        )

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
        )
