"""The scoring rules: judgements in, report out. Engines never decide severity or verdict."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.knowledge import Dimension, Rubric
from bot.models import (
    Citation,
    DimensionResult,
    Evidence,
    Gap,
    InPlace,
    Judgement,
    OpenQuestion,
    Report,
    Severity,
    Statement,
    Verdict,
)
from bot.reading.tense import ClauseTense, shipped_tense
from bot.report_text import (
    actions_for,
    area_texts,
    checked_actions,
    coach_words,
    names_in,
    surfaces_for,
    why_for,
)
from bot.text import lower_first

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2}
LEVEL_FOR_GAP = {"critical": 1, "high": 2, "medium": 3}
NO_MOVE = 9  # gaps outside the playbook's four moves rank after those in them, within a severity
UNKNOWN_SHARE = 0.5  # more than this share of areas unknown: not enough to judge
NUMBER = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six"}

CitationsFor = Callable[[Dimension], list[Citation]]
# An engine's this-week actions for a gap, from the area's statements and the named things in them;
# None when it has none to offer (the rubric's actions, filled with the team's names, are used).
ComposeActions = Callable[[Dimension, list[str], list[str]], list[str] | None]


def severity_for(dim: Dimension, judged: Severity | None, agentic: bool, rubric: Rubric) -> Severity:
    """The rubric decides severity: base, medium when partly in place, critical when agentic."""
    severity: Severity = "medium" if judged == "medium" else dim.base_severity
    if agentic and dim.id in rubric.agentic.escalate:
        severity = rubric.agentic.severity
    return severity


def level_for(j: Judgement, severity: Severity | None) -> int:
    """Readiness level 1-5 from status, severity and confidence."""
    if j.status == "gap" and severity:
        return LEVEL_FOR_GAP[severity]
    if j.status == "ready":
        return 5 if j.confidence >= 0.6 else 4
    return 2


def verdict_for(gaps: list[Gap], unknown: int, areas: int = 6) -> Verdict:
    """Most areas unknown: not enough to judge. Else any critical gap, or three high ones, means not
    ready; any gap or unknown adds conditions."""
    if unknown > areas * UNKNOWN_SHARE:
        return "insufficient_evidence"
    if any(g.severity == "critical" for g in gaps):
        return "not_ready"
    if sum(g.severity == "high" for g in gaps) >= 3:
        return "not_ready"
    return "ready_with_conditions" if gaps or unknown else "ready"


def rank_key(gap: Gap) -> tuple[int, int, int]:
    """Severity first; within it the playbook's four moves in order (business owner, data path, risk
    review, MLOps); then how soon the gap surfaces."""
    return SEVERITY_ORDER[gap.severity], gap.move or NO_MOVE, gap.surfaces_after_days


def _gap(dim: Dimension, j: Judgement, severity: Severity, cites: list[Citation], said: GapWords) -> Gap:
    texts = area_texts(dim, said.statements, j.evidence)
    named = names_in(texts, said.vocabulary, said.tense)
    why, basis = why_for(dim, j.evidence)
    surfaces, surfaced = surfaces_for(dim, texts, said.tense)
    composed = said.compose(dim, texts, [n.text for n in named]) if said.compose else None
    composed = checked_actions(composed, said.team_words, said.vocabulary)
    return Gap(
        dimension=dim.id,
        severity=severity,
        title=dim.title,
        area=dim.ready_title,
        evidence=j.evidence,
        why=why,
        why_basis=basis,
        surfaces=surfaces,
        surfaced=surfaced,
        surfaces_after_days=dim.surfaces_after_days,
        actions=composed or actions_for(dim, named),
        citations=cites,
        move=dim.move,
        names=[n.text for n in named],
    )


class GapWords:
    """What a gap's text is built from: the team's statements, the playbook's vocabulary, an engine,
    and the trained tense head (loaded on the first gap: a report with none never needs it)."""

    def __init__(self, rubric: Rubric, statements: Sequence[Statement], compose: ComposeActions | None) -> None:
        self.statements, self.compose = list(statements), compose
        self.vocabulary = coach_words(rubric)
        self.team_words = "\n".join(s.text for s in self.statements)
        self._tense: ClauseTense | None = None

    @property
    def tense_version(self) -> str:
        """The tense head's version when a gap used it, else ''."""
        return self._tense.version if self._tense else ""

    @property
    def tense(self) -> ClauseTense:
        """The shipped tense head, bound to the embedder on first use."""
        if self._tense is None:
            self._tense = shipped_tense()
        return self._tense


def _count(n: int, noun: str) -> str:
    word = NUMBER.get(n, str(n))
    return f"{word} {noun}" if n == 1 else f"{word} {noun}s"


def _summary(verdict: Verdict, gaps: list[Gap], ready: list[str], unknown: list[str], agentic: bool) -> str:
    areas = len(gaps) + len(ready) + len(unknown)
    opening = {
        "not_ready": "This pilot is not ready for production yet.",
        "ready_with_conditions": "This pilot can move towards production once a few conditions are met.",
        "ready": "This pilot has the operating model production needs.",
        "insufficient_evidence": (
            "There is not enough to judge this pilot yet, so this report makes no readiness claim."
        ),
    }[verdict]
    parts = [opening]
    if gaps:
        first = gaps[0]
        names = ", ".join(lower_first(g.title) for g in gaps)
        when = "has already surfaced" if first.surfaced else f"will surface {lower_first(first.surfaces).rstrip('.')}"
        verb = "stands" if len(gaps) == 1 else "stand"
        parts.append(
            f"{_count(len(gaps), 'gap')} {verb} in the way ({names}); the most urgent, "
            f"{lower_first(first.title)}, {when}."
        )
    if unknown:  # the one count of open areas: those the report cannot judge (the chat's opening gives none)
        n = len(unknown)
        parts.append(
            f"{n} of {areas} areas {'is' if n == 1 else 'are'} still open ({', '.join(unknown)}): "
            f"treat {'it as an open question' if n == 1 else 'them as open questions'}."
        )
    if ready:
        parts.append(f"In place: {', '.join(ready)}.")
    if agentic:
        parts.append(
            "Because the system acts on its own, governance and observability gaps are critical "
            "and human-in-the-loop design is required."
        )
    return " ".join(parts)


def build_report(
    rubric: Rubric,
    judgements: dict[str, Judgement],
    *,
    agentic: bool,
    agentic_evidence: list[Evidence],
    engine: str,
    prompt_version: str,
    citations_for: CitationsFor,
    reader_version: str = "",
    pilot_name: str | None = None,
    skipped: frozenset[str] = frozenset(),
    statements: Sequence[Statement] = (),
    compose: ComposeActions | None = None,
) -> Report:
    """Apply the rubric to the engine's judgements: statuses, severities, levels, verdict; each gap's
    text is built from the team's `statements` (and `compose`, an engine's actions, when given)."""
    said = GapWords(rubric, statements, compose)
    dims, gaps, open_qs, in_place = [], [], [], []
    for dim in rubric.dimensions:
        j = judgements.get(dim.id) or Judgement(dimension=dim.id, status="unknown")
        severity = severity_for(dim, j.severity, agentic, rubric) if j.status == "gap" else None
        rationale = "skipped by the team" if dim.id in skipped else j.rationale
        dims.append(
            DimensionResult(
                id=dim.id,
                title=dim.ready_title,
                status=j.status,
                severity=severity,
                level=level_for(j, severity),
                evidence=j.evidence,
                rationale=rationale,
            )
        )
        if j.status == "gap" and severity:
            gaps.append(_gap(dim, j, severity, citations_for(dim), said))
        elif j.status == "unknown":
            open_qs.append(OpenQuestion(dimension=dim.id, title=dim.ready_title, question=dim.questions[0].ask))
        else:
            in_place.append(InPlace(dimension=dim.id, title=dim.ready_title, evidence=j.evidence))
    gaps.sort(key=rank_key)
    unknown = [lower_first(q.title) for q in open_qs]
    ready = [lower_first(d.title) for d in dims if d.status == "ready"]
    verdict = verdict_for(gaps, len(open_qs), len(dims))
    return Report(
        pilot_name=pilot_name,
        verdict=verdict,
        summary=_summary(verdict, gaps, ready, unknown, agentic),
        agentic=agentic,
        agentic_evidence=agentic_evidence,
        dimensions=dims,
        gaps=gaps,
        open_questions=open_qs,
        in_place=in_place,
        engine=engine,
        rubric_version=rubric.version,
        prompt_version=prompt_version,
        reader_version=reader_version,
        tense_version=said.tense_version,
    )
