"""Each eval suite: run it on the context, return its metrics and its misses."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.knowledge import DIMENSION_IDS
from bot.service import Coach
from evals import answer_quality, baselines, frozen, gaps, injection_variants, pii, qa
from evals.context import INJECTED_DOCS, EvalContext
from evals.metrics import rate
from evals.retrieval import run_retrieval_eval


@dataclass
class SuiteResult:
    """A suite's metrics (nested dict of numbers) and per-case details of its misses."""

    metrics: dict[str, Any]
    misses: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def retrieval(ctx: EvalContext) -> SuiteResult:
    """Hybrid retrieval beside its dense-only and BM25-only baselines."""
    ctx.coach()  # indexes the playbook into the run's data dir
    result = run_retrieval_eval(ctx.settings)
    metrics = {m: {k: v for k, v in s.items() if k != "missed@5"} for m, s in result["modes"].items()}
    metrics["cases"] = result["cases"]
    misses = [
        {"case": c, "mode": "hybrid", "problem": "no expected passage in the top 5"}
        for c in result["modes"]["hybrid"]["missed@5"]
    ]
    return SuiteResult(metrics, misses)


def _beside(coach: list[gaps.Outcome], baseline: list[gaps.Outcome]) -> dict[str, Any]:
    return {"coach": gaps.gap_metrics(coach), "baseline": gaps.gap_metrics(baseline)}


def _with_text(misses: list[dict[str, Any]], texts: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    """Add what the team said on that dimension to each miss, for the report."""
    return [{**m, "said": texts.get((m["case"], m["dimension"]), "")} for m in misses]


def answers(ctx: EvalContext) -> SuiteResult:
    """Labelled answers judged one by one, beside the keyword baseline."""
    coach = ctx.coach()
    outcomes = gaps.run_answers(coach)
    metrics = _beside(outcomes, baselines.baseline_answers(coach.rubric))
    cases = qa.load_cases("answers.yaml")
    texts = {(c["id"], c["dimension"]): c["text"] for c in cases}
    return SuiteResult(metrics, _with_text(gaps.misses(outcomes), texts))


def _coverage(coach: Coach) -> tuple[bool, list[str]]:
    """For the newest eval session: was every dimension asked, skipped, or already covered by
    earlier answers (the coach says so and moves on)? And which weren't."""
    rec = coach.store.list_sessions(owner="eval", limit=1)[0]
    asked = {m.meta.get("topic") for m in coach.store.list_messages(rec.id) if m.role == "coach"}
    progress = coach.session_view(rec.id).progress
    covered = set(rec.state.get("covered", []))
    missing = [d for d in DIMENSION_IDS if d not in asked | covered and progress.get(d) != "skipped"]
    return not missing, missing


def interview(ctx: EvalContext) -> SuiteResult:
    """Scripted personas through whole interviews, beside the keyword baseline."""
    coach = ctx.coach()
    outcomes, notes, complete = [], [], []
    personas = gaps.load_yaml_dir(gaps.CASES / "personas")
    for persona in personas:
        outcome = gaps.run_persona(coach, persona)
        covered, missing = _coverage(coach)
        outcome.complete = outcome.complete and covered
        outcomes.append(outcome)
        if outcome.complete:
            complete.append(outcome.turns)
        else:
            notes.append(
                f"{persona['id']}: incomplete after {outcome.turns} turns; not covered: {', '.join(missing) or 'none'}"
            )
    metrics = _beside(outcomes, baselines.baseline_personas(coach.rubric))
    metrics["coach"]["completion_rate"] = rate(len(complete), len(outcomes))
    metrics["coach"]["mean_turns_to_completion"] = round(sum(complete) / len(complete), 1) if complete else 0.0
    # answers a team gives before its full report (the product's promise: at most 12 at the median)
    metrics["coach"]["median_turns_to_completion"] = float(statistics.median(complete)) if complete else 0.0
    texts = {(p["id"], d): " / ".join(a or []) for p in personas for d, a in (p.get("answers") or {}).items()}
    return SuiteResult(metrics, _with_text(gaps.misses(outcomes), texts), notes)


def assessments(ctx: EvalContext) -> SuiteResult:
    """One-shot assessments of pilot descriptions, beside the keyword baseline."""
    coach = ctx.coach()
    outcomes = gaps.run_assessments(coach)
    metrics = _beside(outcomes, baselines.baseline_assessments(coach.rubric))
    return SuiteResult(metrics, gaps.misses(outcomes))


def grounded(ctx: EvalContext) -> SuiteResult:
    """Citations, figures found in cited passages, expected sources, false declines."""
    rows = qa.grounded_rows(ctx.ask, ctx.coach().knowledge)
    return SuiteResult(qa.grounded_metrics(rows), qa.grounded_misses(rows))


def offtopic(ctx: EvalContext) -> SuiteResult:
    """Decline rate on off-topic questions; false declines on the grounded questions."""
    metrics, answered = qa.offtopic(ctx.ask)
    rows = qa.grounded_rows(ctx.ask, ctx.coach().knowledge)
    declined = [r for r in rows if not r.answer.in_scope]
    metrics["false_decline_rate"] = rate(len(declined), len(rows), empty=0.0)
    misses = [{**a, "problem": "answered an off-topic question"} for a in answered]
    misses += [
        {"case": r.case["id"], "question": r.case["question"], "problem": "declined a playbook question"}
        for r in declined
    ]
    return SuiteResult(metrics, misses)


def answer_quality_suite(ctx: EvalContext) -> SuiteResult:
    """Key idea present, right area cited, readable on its own; off-topic and near misses declined."""
    metrics, misses = answer_quality.run(ctx.ask)
    return SuiteResult(metrics, misses)


def injection(ctx: EvalContext) -> SuiteResult:
    """Instructions inside team answers and inside user documents must not be followed."""
    cases = qa.load_cases("injection.yaml")
    in_answers = qa.injected_answers(ctx.coach(), cases["answers"])
    in_docs = qa.injected_documents(ctx.doc_coach(), cases["documents"], INJECTED_DOCS.name)
    misses = [{**r, "problem": f"judged {r['predicted']}, expected gap"} for r in in_answers if not r["resisted"]]
    misses += [
        {**r, "problem": f"answer contains {', '.join(r['markers_found'])}"} for r in in_docs if not r["resisted"]
    ]
    return SuiteResult(qa.injection_metrics(in_answers, in_docs), misses)


def pii_suite(ctx: EvalContext) -> SuiteResult:
    """Redaction recall on personal data, and no PII in requests to a fake LLM server."""
    cases = qa.load_cases("pii.yaml")
    rows = pii.redaction_rows(cases)
    metrics = pii.redaction_metrics(rows)
    misses = [
        {"case": r["case"], "problem": "survived redaction", "values": r["survived"], "redacted": r["redacted"]}
        for r in rows
        if r["survived"]
    ]
    misses += [
        {"case": r["case"], "problem": "over-redacted", "values": r["lost"], "redacted": r["redacted"]}
        for r in rows
        if r["lost"]
    ]
    leaks = pii.leak_rows(ctx.coach(), cases, ctx.workdir / "leak")
    notes = []
    if leaks is None:
        notes.append("leak check skipped: tests/openai/fake_openai.py (and pytest) not available")
    else:
        metrics.update(pii.leak_metrics(leaks))
        misses += [
            {"case": r["case"], "problem": "reached the LLM server", "values": r["leaked"]}
            for r in leaks
            if r["leaked"]
        ]
    return SuiteResult(metrics, misses, notes)


def injection_variants_suite(ctx: EvalContext) -> SuiteResult:
    """48+ injections (pure, appended to real answers, inside documents): no area moves toward ready."""
    metrics, misses = injection_variants.run(ctx.coach())
    return SuiteResult(metrics, misses)


def frozen_writeups(ctx: EvalContext) -> SuiteResult:
    """The frozen write-ups, never tuned on: the reader issue's measures."""
    rows = frozen.writeup_rows(ctx.coach())
    return SuiteResult(frozen.writeup_metrics(rows), frozen.writeup_misses(rows))


def reader(ctx: EvalContext) -> SuiteResult:
    """The reader alone on the frozen clauses and the paraphrase pairs."""
    from bot.reading.reader import get_reader

    return SuiteResult(frozen.clause_metrics(get_reader()))


SUITES: dict[str, Callable[[EvalContext], SuiteResult]] = {
    "retrieval": retrieval,
    "answers": answers,
    "interview": interview,
    "assessments": assessments,
    "grounded": grounded,
    "offtopic": offtopic,
    "answer_quality": answer_quality_suite,
    "injection": injection,
    "pii": pii_suite,
    "injection_variants": injection_variants_suite,
    "frozen": frozen_writeups,
    "reader": reader,
}
OFFLINE = tuple(SUITES)  # every suite is deterministic with the offline engine
