"""Disagreements: an area one respondent says is in place and another says is a gap.

Each person's answers about the area are judged on their own; when the readings conflict, the
report quotes both sides instead of averaging them away."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from bot.knowledge import Dimension, Rubric
from bot.models import Disagreement, Judgement, Statement, on_topic

Judge = Callable[[Dimension, list[Statement]], Judgement]


def by_author(statements: list[Statement], area: str) -> dict[str | None, list[Statement]]:
    """The statements about one area, grouped by who said them (None: the person who started it)."""
    about = sorted(on_topic(area, statements), key=lambda s: s.author or "")
    return {author: list(group) for author, group in groupby(about, key=lambda s: s.author)}


def disagreements(rubric: Rubric, judge: Judge, statements: list[Statement]) -> list[Disagreement]:
    """Areas where one person's answers read as in place and another's as a gap, both quoted."""
    if len({s.author for s in statements}) < 2:
        return []  # one voice: nothing to disagree with (and no extra judging)
    found = []
    for dim in rubric.dimensions:
        groups = by_author(statements, dim.id)
        if len(groups) < 2:
            continue
        read = [judge(dim, said) for said in groups.values()]
        ready = [e for j in read if j.status == "ready" for e in j.evidence[:1]]
        gap = [e for j in read if j.status == "gap" for e in j.evidence[:1]]
        if ready and gap:
            found.append(Disagreement(dimension=dim.id, title=dim.ready_title, in_place=ready, gap=gap))
    return found
