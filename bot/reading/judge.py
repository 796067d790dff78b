"""From clause readings to a judgement per area, and to the agentic flag.

The reader decides what each clause means; this module only applies the rubric's reading
policy (`reading:` in rubric.yaml) to those probabilities. No phrase lists here.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass

from bot.knowledge import Dimension, ReadingPolicy, Rubric
from bot.memo import Memo
from bot.models import Evidence, Judgement, Severity, Statement, Status
from bot.reading.reader import Reader, Reading
from bot.text import clauses, quote

GAP_LIKE = ("gap", "planned", "partial")  # a plan, a pending approval or a partial build is not in place
STATED = {"ready": "in_place", "gap": "gap", "unknown": "unsure"}  # a picked quick reply's status, as a reading
MEMO_STATEMENTS = 8192  # statements whose clauses are kept read (an interview re-reads its answers each turn)
MEMO_CHARS = 2000  # longer texts (whole documents) are read once and not kept


@dataclass(frozen=True)
class Clause:
    """A clause of a statement, with who said it, the question it answered and its reading."""

    reading: Reading
    author: str | None
    topic: str
    alone: bool = False  # read with no question (a write-up's, a document's or a check-in's clause)

    def weight(self, area: str, policy: ReadingPolicy) -> float:
        """How much this clause is about the area: the reader's area probability.

        An answer to the area's own question weighs that area `topic_prior` times more (a reader
        not trained on pairs does not see the question); an aside about another area, or a line
        that is not about the pilot (a greeting, an instruction to the assessor), still loses."""
        probs = self.reading.area
        if self.topic != area:
            return probs.get(area, 0.0)
        boosted = probs.get(area, 0.0) * policy.topic_prior
        return boosted / (boosted + sum(p for a, p in probs.items() if a != area))

    def off_pilot(self, policy: ReadingPolicy) -> bool:
        """The reader reads the clause as not about the pilot: a greeting, a title, or text addressed
        to the assessor (a verdict, a status or a rule asserted for the tool). It is then no gap, not
        in place and never quoted as evidence, whichever area it names."""
        return self.reading.status.get("off_pilot", 0.0) >= policy.off_pilot_min

    def gap(self, area: str, policy: ReadingPolicy) -> float:
        """Probability mass that this clause shows a gap in the area; none when the reader reads it
        as the team not knowing yet ("not sure, haven't looked at that"): an open question, not a gap."""
        gap_like = sum(self.reading.status[s] for s in GAP_LIKE)
        if self.off_pilot(policy) or self.reading.status.get("unsure", 0.0) >= policy.unsure_share * gap_like:
            return 0.0
        return self.weight(area, policy) * gap_like

    def ready(self, area: str, policy: ReadingPolicy) -> float:
        """Probability mass that this clause shows the area in place."""
        if self.off_pilot(policy):
            return 0.0
        return self.weight(area, policy) * self.reading.status["in_place"]

    def unsure(self, area: str, policy: ReadingPolicy) -> float:
        """Probability mass that this clause says the team doesn't know yet."""
        if self.off_pilot(policy):
            return 0.0
        return self.weight(area, policy) * self.reading.status.get("unsure", 0.0)


def stated(statement: Statement, labels: list[str]) -> Reading:
    """A picked quick reply read as what it means: its status, about the area it answered."""
    status = STATED[statement.status or "unknown"]
    return Reading(
        text=statement.text,
        area={statement.topic: 1.0},
        status={label: float(label == status) for label in labels},
        autonomy={"acts_alone": 0.0, "person_approves": 0.0, "no_action": 1.0},
    )


StatementKey = tuple[str, str | None, str, str, str | None]


def statement_key(s: Statement) -> StatementKey:
    """What a statement's reading depends on: its words, who said them, the area and the question
    asked, and the quick reply's status when one was picked."""
    return (s.text, s.author, s.topic, s.question_id, s.status)


def questions_asked(rubric: Rubric) -> dict[str, str]:
    """Each interview question's id -> the words asked: the context a reader trained on pairs reads an
    answer with. Statements with another id (a write-up's, a check-in's) are read alone."""
    asked = {q.id: q.ask for q in rubric.intro if not q.names_pilot}
    return asked | {q.id: q.ask for dim in rubric.dimensions for q in dim.questions}


class ReadMemo:
    """Each statement split into clauses and read once per reader, not once per judgement.

    An interview judges every area from all its answers several times a turn; without this each
    call re-split every answer and looked every clause up again. Bounded; thread-safe."""

    def __init__(self, size: int = MEMO_STATEMENTS) -> None:
        self._kept: Memo[tuple[Clause, ...]] = Memo(size)

    def read(self, reader: Reader, statements: list[Statement], asked: Mapping[str, str]) -> list[Clause]:
        """Every clause of every statement, read with the question it answered (from the memo where it can)."""
        keys = [(*statement_key(s), asked.get(s.question_id, "")) for s in statements]
        found = {k: v for k in keys if (v := self._kept.get(k)) is not None}
        fresh = {k: s for k, s in zip(keys, statements, strict=True) if k not in found}
        read_each = _read_each(reader, list(fresh.values()), [k[-1] for k in fresh])
        for key, read in zip(fresh, read_each, strict=True):
            found[key] = self._kept.put(key, read) if len(key[0]) <= MEMO_CHARS else read
        return [c for k in keys for c in found[k]]


def _read_each(
    reader: Reader, statements: list[Statement], contexts: list[str] | None = None
) -> list[tuple[Clause, ...]]:
    """Per statement, its clauses read (each with its statement's question, if given) in one batch for all."""
    parts = [[c for c in clauses(s.text) if c] for s in statements]
    asked = contexts or [""] * len(parts)
    context = [q for p, q in zip(parts, asked, strict=True) for _ in p]
    readings = iter(reader.read([c for p in parts for c in p], context))
    return [
        tuple(Clause(next(readings), s.author, s.topic, not q) for _ in p)
        for p, s, q in zip(parts, statements, asked, strict=True)
    ]


_MEMOS: weakref.WeakKeyDictionary[Reader, ReadMemo] = weakref.WeakKeyDictionary()  # one per reader
_MEMOS_LOCK = threading.Lock()


def read_statements(
    reader: Reader, statements: list[Statement], asked: Mapping[str, str] | None = None
) -> list[Clause]:
    """Every clause of every statement, read once with the question it answered (`asked`: question id ->
    words, see questions_asked) and remembered, per reader, for the next judgement; a picked quick reply
    is not read but taken as meant."""
    with _MEMOS_LOCK:
        memo = _MEMOS.get(reader)
        if memo is None:
            memo = _MEMOS[reader] = ReadMemo()
    read = memo.read(reader, [s for s in statements if s.status is None], asked or {})
    labels = list(STATED.values()) + ["partial", "planned", "off_pilot"]
    return read + [Clause(stated(s, labels), s.author, s.topic) for s in statements if s.status is not None]


def _evidence(scored: list[tuple[float, Clause]], floor: float) -> list[Evidence]:
    best = sorted((x for x in scored if x[0] >= floor), key=lambda x: -x[0])
    unique = {quote(c.reading.text): c.author for _, c in reversed(best)}  # a confirmed quote counts once
    ranked = list(dict.fromkeys(quote(c.reading.text) for _, c in best))[:3]
    return [Evidence(quote=q, author=unique[q]) for q in ranked]


def judge(dim: Dimension, read: list[Clause], policy: ReadingPolicy) -> Judgement:
    """Gap, ready or unknown for one area, with the clauses that decided it as evidence."""
    gaps = [(c.gap(dim.id, policy), c) for c in read]
    readys = [(c.ready(dim.id, policy), c) for c in read]
    top_gap = max((g for g, _ in gaps), default=0.0)
    sure_gap = any(g >= policy.gap_floor(c.alone) for g, c in gaps)
    top_ready = max((r for r, _ in readys), default=0.0)
    gap_mass = sum(g for g, _ in gaps if g >= policy.evidence_min)
    ready_mass = sum(r for r, _ in readys if r >= policy.evidence_min)
    status: Status = "unknown"
    if sure_gap and gap_mass >= policy.gap_share * ready_mass:
        status = "gap"
    elif top_ready >= policy.ready_min:
        status = "ready"
    if status == "unknown":
        why = "no clear statement about this area yet" if not read else "nothing said about it was clear enough"
        if any(c.unsure(dim.id, policy) >= policy.evidence_min for c in read):
            why = "the team isn't sure yet: an open question"
        return Judgement(
            dimension=dim.id, status="unknown", confidence=round(max(top_gap, top_ready), 3), rationale=why
        )
    severity: Severity | None = None
    if status == "gap":
        lead = max(gaps, key=lambda x: x[0])[1].reading
        partly = lead.best("status") == "partial" or ready_mass >= policy.medium_share * gap_mass
        severity = "medium" if partly else dim.base_severity
    n_gap = sum(g >= policy.evidence_min for g, _ in gaps)
    n_ready = sum(r >= policy.evidence_min for r, _ in readys)
    return Judgement(
        dimension=dim.id,
        status=status,
        severity=severity,
        evidence=_evidence(gaps if status == "gap" else readys, policy.evidence_min),
        confidence=round(top_gap if status == "gap" else top_ready, 3),
        rationale=f"{n_gap} statement(s) read as a gap, {n_ready} as in place",
    )


def detect_agentic(read: list[Clause], policy: ReadingPolicy) -> tuple[bool, list[Evidence]]:
    """True when some clause says the system acts without a person; the surest two as evidence."""
    scored = [
        (c.reading.autonomy["acts_alone"] * (1.0 - c.reading.area.get("none", 0.0)), c)
        for c in read
        if not c.off_pilot(policy)
    ]
    hits = [x for x in scored if x[0] >= policy.agentic_min]
    return bool(hits), _evidence(hits, policy.agentic_min)[:2]
