"""The scoring rules: judgements in, report out. Engines never decide severity or verdict."""

from __future__ import annotations

from collections.abc import Callable

from bot.knowledge import Dimension, Rubric
from bot.models import (
    Citation,
    DimensionResult,
    Evidence,
    Gap,
    Judgement,
    OpenQuestion,
    Report,
    Severity,
    Verdict,
)
from bot.text import lower_first

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2}
LEVEL_FOR_GAP = {"critical": 1, "high": 2, "medium": 3}

CitationsFor = Callable[[Dimension], list[Citation]]


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


def verdict_for(gaps: list[Gap], unknown: int) -> Verdict:
    """Any critical gap, or three high ones, means not ready; any gap or unknown adds conditions."""
    if any(g.severity == "critical" for g in gaps):
        return "not_ready"
    if sum(g.severity == "high" for g in gaps) >= 3:
        return "not_ready"
    return "ready_with_conditions" if gaps or unknown else "ready"


def _gap(dim: Dimension, j: Judgement, severity: Severity, cites: list[Citation]) -> Gap:
    return Gap(
        dimension=dim.id,
        severity=severity,
        title=dim.title,
        evidence=j.evidence,
        why=dim.summary,
        surfaces=dim.surfaces,
        surfaces_after_days=dim.surfaces_after_days,
        actions=[a.text for a in dim.actions],
        citations=cites,
    )


def _summary(verdict: Verdict, gaps: list[Gap], ready: list[str], unknown: list[str], agentic: bool) -> str:
    opening = {
        "not_ready": "This pilot is not ready for production yet.",
        "ready_with_conditions": "This pilot can move towards production once a few conditions are met.",
        "ready": "This pilot has the operating model production needs.",
    }[verdict]
    parts = [opening]
    if gaps:
        first = gaps[0]
        names = ", ".join(lower_first(g.title) for g in gaps)
        parts.append(
            f"{len(gaps)} gap(s) stand in the way ({names}); the most urgent, "
            f"{lower_first(first.title)}, will surface {lower_first(first.surfaces).rstrip('.')}."
        )
    if unknown:
        parts.append(f"Not enough is known yet about {', '.join(unknown)}: treat these as open questions.")
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
) -> Report:
    """Apply the rubric to the engine's judgements: statuses, severities, levels, verdict."""
    dims, gaps, open_qs = [], [], []
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
            gaps.append(_gap(dim, j, severity, citations_for(dim)))
        elif j.status == "unknown":
            open_qs.append(OpenQuestion(dimension=dim.id, question=dim.questions[0].ask))
    gaps.sort(key=lambda g: (SEVERITY_ORDER[g.severity], g.surfaces_after_days))
    unknown = [lower_first(rubric.dimension(q.dimension).ready_title) for q in open_qs]
    ready = [lower_first(d.title) for d in dims if d.status == "ready"]
    verdict = verdict_for(gaps, len(open_qs))
    return Report(
        pilot_name=pilot_name,
        verdict=verdict,
        summary=_summary(verdict, gaps, ready, unknown, agentic),
        agentic=agentic,
        agentic_evidence=agentic_evidence,
        dimensions=dims,
        gaps=gaps,
        open_questions=open_qs,
        engine=engine,
        rubric_version=rubric.version,
        prompt_version=prompt_version,
        reader_version=reader_version,
    )
