"""Which of the team's words judge an area, and when an in-place reading may stop the questions."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.base import Engine
from bot.interview_replies import CONFIRM_ID
from bot.knowledge import Dimension, InterviewPolicy
from bot.models import Judgement, Statement


def own_answers(dim: Dimension, statements: Sequence[Statement]) -> list[Statement]:
    """The team's answers to this area's own questions (and to its confirmation), not what fed it earlier."""
    ids = {q.id for q in dim.questions} | {f"{dim.id}.{CONFIRM_ID}"}
    return [s for s in statements if s.question_id in ids]


def quotes_from(judgement: Judgement, statements: Sequence[Statement]) -> list[str]:
    """The judgement's evidence quotes that come from these statements (a quote counts once)."""
    texts = [" ".join(s.text.split()) for s in statements]
    found = [e.quote for e in judgement.evidence if any(e.quote.removesuffix("…") in t for t in texts)]
    return list(dict.fromkeys(found))


def enough_to_settle(judgement: Judgement, said: Sequence[Statement], policy: InterviewPolicy, tested: bool) -> bool:
    """Whether an in-place reading rests on enough of `said` to stop asking: `ready_quotes` distinct
    clauses, or `ready_words` words of them. One short reassuring line ("the CIO sponsors it", "we
    track it on a dashboard") is what the area's next question tests; once `tested` by a second
    question of the area without turning into a gap, it stands (one more answer at most). A picked
    in-place option is the team's own statement of the status, not a reading of words: it stands."""
    if any(s.status == "ready" for s in said):
        return True
    quotes = quotes_from(judgement, said)
    if len(quotes) >= policy.ready_quotes or sum(len(q.split()) for q in quotes) >= policy.ready_words:
        return True
    return tested and len({s.question_id for s in said}) >= 2


def judge_area(engine: Engine, dim: Dimension, statements: Sequence[Statement]) -> Judgement:
    """The area's judgement: on its own answers when they place it (gap or in place), so an answer given
    to another area's question (or a one-pager pasted at the start) can't overturn what the team said
    here; else on everything said, so an area nobody answered directly is still read from the rest."""
    own = [s for s in statements if s.topic == dim.id]
    if own and len(own) < len(statements):
        judged = engine.judge(dim, own)
        if judged.status != "unknown":
            return judged
    return engine.judge(dim, list(statements))
