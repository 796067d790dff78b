"""Reading a check-in answer: which gap each line is about, and the status it states, if any.

Two kinds of rule, kept apart. The reply format is policy: a line may start with its gap's
number from the check-in list, and with one of the status words the check-in offers
(`REPLY_STATUSES`, the same words its instructions show), optionally after a `label:`. What
free words mean is learned: a line without a number goes to the open gap the trained reader
says it is about, and a line without a status word is judged on its words by the engine.
No phrase lists here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.knowledge import Dimension

# The words the check-in message offers for each status (its instructions are built from them).
REPLY_STATUSES = {"resolved": "resolved", "in progress": "in_progress", "blocked": "blocked", "no change": "unchanged"}
NO_CHANGE = "no change"
NUMBERED = re.compile(r"^\s*(?:#|gap\s*)?(\d{1,2})(?:\s*[.):\-]\s*|\s+)", re.I)
SPLIT = re.compile(r"\n+|;\s*|(?<=[.!?])\s+(?=\d{1,2}[.):])")
LABEL_CHARS = 40  # a `label:` before the status word is short ("Data pipeline:", "ROI:")
AREA_MIN = 0.5  # the reader must be this sure a line is about an open gap's area
MIN_EVIDENCE_WORDS = 4
_WORD = re.compile(r"[A-Za-z']+")
ReadAreas = Callable[[list[str]], list[dict[str, float]]]  # line -> probability per area (the reader)


@dataclass(frozen=True)
class ParsedLine:
    """One line of an answer, tied to one gap's dimension."""

    dimension: str
    status: str | None  # a status word the reply format offers, or None when the words must be judged
    text: str


def _leading_status(text: str) -> str | None:
    """The status when `text` starts with one of the offered status words (a whole word)."""
    low = text.lower()
    for word, status in REPLY_STATUSES.items():
        if low.startswith(word) and not low[len(word) : len(word) + 1].isalnum():
            return status
    return None


def stated_status(text: str) -> str | None:
    """The status a line states in the reply format: `resolved: ...` or `Data pipeline: resolved, ...`."""
    label, colon, rest = text.partition(":")
    found = _leading_status(text)
    if found is None and colon and len(label) <= LABEL_CHARS:
        found = _leading_status(rest.strip())
    return found


def _numbered(line: str, order: Sequence[Dimension]) -> tuple[Dimension | None, str]:
    """The gap a line names by its number in the check-in list, and the rest of the line."""
    m = NUMBERED.match(line)
    if m and 1 <= int(m.group(1)) <= len(order):
        return order[int(m.group(1)) - 1], line[m.end() :].strip()
    return None, line.strip()


def _about(areas: dict[str, float], order: Sequence[Dimension]) -> Dimension | None:
    """The open gap the reader says a line is about, when it is sure enough."""
    best = max(order, key=lambda d: areas.get(d.id, 0.0), default=None)
    return best if best is not None and areas.get(best.id, 0.0) >= AREA_MIN else None


def parse_answer(text: str, order: Sequence[Dimension], read_areas: ReadAreas) -> list[ParsedLine]:
    """Split an answer into lines about the listed gaps (in check-in order)."""
    if text.strip().rstrip(".!").strip().lower() == NO_CHANGE:
        return [ParsedLine(dimension=d.id, status="unchanged", text="") for d in order]
    lines = [raw.strip(" -*•\t") for raw in SPLIT.split(text)]
    targets = [_numbered(line, order) for line in lines if line]
    loose = [rest for dim, rest in targets if dim is None]
    guesses = dict(zip(loose, read_areas(loose), strict=True)) if loose else {}
    out: list[ParsedLine] = []
    for dim, rest in targets:
        dim = dim or _about(guesses[rest], order)
        if dim is not None:
            out.append(ParsedLine(dimension=dim.id, status=stated_status(rest), text=rest))
    return out


def has_evidence(text: str) -> bool:
    """Enough words to be judged as new evidence, not just a status word."""
    return len(_WORD.findall(text)) >= MIN_EVIDENCE_WORDS
