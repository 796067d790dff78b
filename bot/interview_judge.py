"""Which of the team's words judge an area, and when the area's questions stop.

Every reading the interview takes of the team's words goes through `Settling` (and `judge_area`),
so the engine is called from this one module."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.base import Engine
from bot.interview_replies import CONFIRM_ID
from bot.knowledge import Dimension, InterviewPolicy, Rubric
from bot.models import Judgement, Statement, on_topic

UNSURE = "isn't sure"  # how the reader's judgement says the team doesn't know yet (bot/reading/judge.py)


def own_answers(dim: Dimension, statements: Sequence[Statement]) -> list[Statement]:
    """The team's answers to this area's own questions (and to its confirmation), not what fed it earlier."""
    ids = {q.id for q in dim.questions} | {f"{dim.id}.{CONFIRM_ID}"}
    return [s for s in statements if s.question_id in ids]


def quotes_from(judgement: Judgement, statements: Sequence[Statement]) -> list[str]:
    """The judgement's evidence quotes that come from these statements (a quote counts once)."""
    texts = [" ".join(s.text.split()) for s in statements]
    found = [e.quote for e in judgement.evidence if any(e.quote.removesuffix("…") in t for t in texts)]
    return list(dict.fromkeys(found))


def enough_to_settle(
    judgement: Judgement, said: Sequence[Statement], policy: InterviewPolicy, tested: bool, dim: Dimension
) -> bool:
    """Whether an in-place reading rests on enough of `said` to stop asking: `ready_quotes` distinct
    clauses, or `ready_words` words of them. One short reassuring line ("the CIO sponsors it", "we
    track it on a dashboard") is what the area's next question tests; once `tested` by a second
    question of the area without turning into a gap, it stands (one more answer at most). A picked
    in-place option is the team's own statement of the status, not a reading of words: it stands. So
    does an in-place clause answering a question whose in-place answer covers the area
    (`Question.in_place_settles` in the rubric): there, short is not vague."""
    if any(s.status == "ready" for s in said):
        return True
    covering = {q.id for q in dim.questions if q.in_place_settles}
    if quotes_from(judgement, [s for s in said if s.question_id in covering]):
        return True
    quotes = quotes_from(judgement, said)
    if len(quotes) >= policy.ready_quotes or sum(len(q.split()) for q in quotes) >= policy.ready_words:
        return True
    return tested and len({s.question_id for s in said}) >= 2


def judge_area(engine: Engine, dim: Dimension, statements: Sequence[Statement]) -> Judgement:
    """The area's judgement: on its own answers when they place it (gap or in place), so an answer given
    to another area's question (or a one-pager pasted at the start) can't overturn what the team said
    here; else on everything said, so an area nobody answered directly is still read from the rest.
    When its own answers say the team isn't sure, the area is an open question: what the rest seems to
    say here (a gap or in place) is what the team, asked directly, could not vouch for. The interview
    keeps asking the area's questions while the rest reads a gap (`Settling.said_all`), so a gap the
    team does know about is heard in its own words."""
    own = on_topic(dim.id, statements)
    if own and len(own) < len(statements):
        judged = engine.judge(dim, own)
        if judged.status != "unknown" or UNSURE in judged.rationale:
            return judged
    return engine.judge(dim, list(statements))


class Settling:
    """When an area is settled, when its answers have run out, and which of its questions is still open."""

    def __init__(self, rubric: Rubric, engine: Engine) -> None:
        self.engine = engine
        self.rubric = rubric
        self.policy = rubric.interview
        self.evidence_min = rubric.reading.evidence_min

    def area(self, dim: Dimension, statements: Sequence[Statement]) -> Judgement:
        """The area's judgement from everything said so far (see `judge_area`)."""
        return judge_area(self.engine, dim, statements)

    def reply(self, dim: Dimension, statements: Sequence[Statement], answers: Sequence[Statement]) -> Judgement:
        """The area's judgement when the team's `answers` to its own questions place it; else unknown. An
        answer that places nothing ("hmm, not really" to a confirmation) is not agreement: the words it was
        asked about must not read the area back for it."""
        alone = self.engine.judge(dim, list(answers))
        return alone if alone.status == "unknown" else self.area(dim, statements)

    def settled(
        self,
        judgement: Judgement,
        said: list[Statement],
        floor: float | None = None,
        about: Sequence[Statement] = (),
    ) -> bool:
        """The reader is confident the area is a gap or in place: its remaining questions add nothing.

        An in-place reading must also rest on more than one short reassuring line of `said` (the
        area's own answers; everything said, for a confirmation): see `enough_to_settle`. A gap
        reading is not settled while another answer `about` the area (its own, and the opening answer
        that fed it; else `said`) reads in place at least as surely: see `_contested`.
        Confidences are the reader's calibrated probabilities (bot/reading/judge.py)."""
        confirming = floor is not None
        if floor is None:
            floor = self.policy.settle_ready if judgement.status == "ready" else self.policy.settle_gap
        dim = self.rubric.dimension(judgement.dimension)
        if judgement.status == "ready" and not enough_to_settle(judgement, said, self.policy, not confirming, dim):
            return False
        if judgement.status == "gap" and not confirming and self._contested(dim, judgement, about or said):
            return False
        return judgement.status != "unknown" and judgement.confidence >= floor and bool(judgement.evidence)

    def _contested(self, dim: Dimension, gap: Judgement, said: Sequence[Statement]) -> bool:
        """Another of the area's own answers reads in place at least as surely as the gap reads: the team
        has said both, so the area's next question is what tells them apart."""
        return any(
            (alone := self.engine.judge(dim, [s])).status == "ready" and alone.confidence >= gap.confidence
            for s in said
        )

    def said_all(
        self, dim: Dimension, said: list[Statement], own: list[Statement], statements: Sequence[Statement]
    ) -> bool:
        """After the area's first answer, one that places nothing in the area ends its questions: the
        team has said what it knows, and the area stays as the earlier answers leave it (an open question
        when they placed nothing). An answer with nothing about the area ends them; a second "not sure"
        in a row ends them when the area's answers together place nothing either (the team said twice
        it doesn't know), unless what was said elsewhere reads a gap here: then the area's remaining
        questions are asked, so that the team's own words, not another area's, decide it. Otherwise
        "not sure" keeps the questions coming."""
        if len({s.question_id for s in own}) < 2:
            return False
        alone = self.engine.judge(dim, said)
        if alone.status != "unknown":
            return False
        if UNSURE in alone.rationale:
            if not self._unsure_before(dim, said, own) or self.engine.judge(dim, own).status != "unknown":
                return False
            return self.engine.judge(dim, list(statements)).status != "gap"
        return alone.confidence < self.evidence_min

    def _unsure_before(self, dim: Dimension, said: list[Statement], own: list[Statement]) -> bool:
        """Whether the answer to the area's previous question was a "not sure" too."""
        now = {s.question_id for s in said}
        earlier = [s.question_id for s in own if s.question_id not in now]
        before = [s for s in own if earlier and s.question_id == earlier[-1]]
        return bool(before) and UNSURE in self.engine.judge(dim, before).rationale

    def next_index(self, dim: Dimension, statements: Sequence[Statement], start: int) -> int | None:
        """The first question from `start` that no opening answer already gave: the sponsor answer
        that the reader could place (gap or in place) means the owner question is not asked twice."""
        for i in range(start, len(dim.questions)):
            said = [s for s in statements if s.question_id in dim.questions[i].covered_by]
            if not said or self.engine.judge(dim, said).status == "unknown":
                return i
        return None

    def all_areas(
        self, dims: Sequence[Dimension], statements: list[Statement], skipped: Sequence[str]
    ) -> dict[str, Judgement]:
        """Every area's reading from what was said so far (a skipped area is unknown)."""
        return {
            d.id: Judgement(dimension=d.id, status="unknown", rationale="skipped")
            if d.id in skipped
            else self.engine.judge(d, statements)
            for d in dims
        }
