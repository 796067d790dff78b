"""Which of the team's words judge an area: its own answers first, what was said elsewhere second."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.base import Engine
from bot.knowledge import Dimension
from bot.models import Judgement, Statement


def own_statements(dim: Dimension, statements: Sequence[Statement]) -> list[Statement]:
    """What the team said to this area: its answers, confirmations and the opening answers that feed it."""
    return [s for s in statements if s.topic == dim.id]


def judge_area(engine: Engine, dim: Dimension, statements: Sequence[Statement]) -> Judgement:
    """The area's judgement: on its own answers when they place it (gap or in place), so an answer given
    to another area's question (or a one-pager pasted at the start) can't overturn what the team said
    here; else on everything said, so an area nobody answered directly is still read from the rest."""
    own = own_statements(dim, statements)
    if own and len(own) < len(statements):
        judged = engine.judge(dim, own)
        if judged.status != "unknown":
            return judged
    return engine.judge(dim, list(statements))
