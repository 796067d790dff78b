"""Reading a check-in answer: which gap each line is about, and what the team says moved."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge import Dimension

# Order matters: a negated "not resolved yet" is checked before "resolved".
STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "unchanged",
        re.compile(
            r"\b(?:unchanged|no change|nothing (?:moved|changed|new)|no progress|no movement|"
            r"same as last week|still open|didn'?t move|not (?:yet )?(?:resolved|done|closed|"
            r"fixed|started)|haven'?t (?:started|moved))\b",
            re.I,
        ),
    ),
    (
        "blocked",
        re.compile(r"\b(?:blocked|stuck|on hold|waiting (?:on|for)|can'?t proceed)\b", re.I),
    ),
    (
        "resolved",
        re.compile(
            r"\b(?:resolved|done|closed|fixed|complete[d]?|finished|signed off|solved|"
            r"now in place|is live)\b",
            re.I,
        ),
    ),
    (
        "in_progress",
        re.compile(
            r"\b(?:in progress|in_progress|started|underway|working on|booked|scheduled|"
            r"drafted|partly|partially|halfway|ongoing|making progress|progressing|kicked off)\b",
            re.I,
        ),
    ),
)
NOTHING = re.compile(r"^\W*(?:no change|nothing (?:moved|changed|new)|no progress|none)\W*$", re.I)
NUMBERED = re.compile(r"^\s*(?:#|gap\s*)?(\d{1,2})(?:\s*[.):\-]\s*|\s+)", re.I)
SPLIT = re.compile(r"\n+|;\s*|(?<=[.!?])\s+(?=\d{1,2}[.):])")
MIN_EVIDENCE_WORDS = 4


@dataclass(frozen=True)
class ParsedLine:
    """One line of an answer, tied to one gap's dimension."""

    dimension: str
    status: str | None  # an explicit cue, or None when the words must be judged
    text: str


def cue_status(text: str) -> str | None:
    """The status a line states outright (unchanged, blocked, resolved, in_progress), if any."""
    for status, pattern in STATUS_CUES:
        if pattern.search(text):
            return status
    return None


def _aliases(dim: Dimension) -> list[str]:
    names = [dim.id, dim.id.replace("_", " "), dim.title, dim.ready_title]
    return [n.lower() for n in names + dim.signals.keywords]


def _mentions(text: str, dim: Dimension) -> int:
    """How many of the dimension's names and keywords the line contains."""
    low = text.lower()
    return sum(1 for a in _aliases(dim) if re.search(rf"\b{re.escape(a)}\b", low))


def _target(line: str, order: list[Dimension]) -> tuple[Dimension | None, str]:
    """The gap a line is about: its number in the check-in list, else the best keyword match."""
    m = NUMBERED.match(line)
    if m and 1 <= int(m.group(1)) <= len(order):
        return order[int(m.group(1)) - 1], line[m.end() :].strip()
    scored = [(_mentions(line, d), i, d) for i, d in enumerate(order)]
    best = max(scored, key=lambda t: (t[0], -t[1]), default=(0, 0, None))
    return (best[2], line.strip()) if best[0] > 0 else (None, line.strip())


def parse_answer(text: str, order: list[Dimension]) -> list[ParsedLine]:
    """Split an answer into lines about the listed gaps (in check-in order)."""
    out: list[ParsedLine] = []
    for raw in SPLIT.split(text):
        line = raw.strip(" -*•\t")
        if not line:
            continue
        dim, rest = _target(line, order)
        if dim is None:
            continue
        out.append(ParsedLine(dimension=dim.id, status=cue_status(rest), text=rest))
    if not out and NOTHING.match(text.strip()):
        out = [ParsedLine(dimension=d.id, status="unchanged", text="") for d in order]
    return out


def has_evidence(text: str) -> bool:
    """Enough words to be judged as new evidence, not just a status word."""
    return len(re.findall(r"[A-Za-z']+", text)) >= MIN_EVIDENCE_WORDS
