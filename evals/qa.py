"""Question-answer suites: grounded answers, off-topic declines, prompt injection."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.chunking import split_sections
from bot.knowledge import Knowledge
from bot.models import Citation, GroundedAnswer, Statement
from bot.service import Coach
from evals.gaps import CASES
from evals.metrics import rate, unsupported_numbers

_MARK = re.compile(r"\[(\d+)\]")
Ask = Callable[[str], GroundedAnswer]


def load_cases(name: str, path: Path | None = None) -> Any:
    """A case file from `evals/cases/` (or an explicit path)."""
    return yaml.safe_load((path or CASES / name).read_text(encoding="utf-8"))


def section_texts(knowledge: Knowledge) -> dict[tuple[str, str], str]:
    """Full text of every (source, section) of the loaded documents, to check figures against."""
    out: dict[tuple[str, str], str] = {}
    for doc in knowledge.documents:
        for slug, heading, text in split_sections(doc.body):
            key = (doc.source, slug)
            out[key] = f"{out.get(key, '')}\n{heading}\n{text}"
    return out


def cites(answer: GroundedAnswer) -> bool:
    """True when the answer has citations and every [n] marker points at one of them."""
    marks = [int(m) for m in _MARK.findall(answer.answer)]
    n = len(answer.citations)
    return n > 0 and bool(marks) and all(1 <= m <= n for m in marks)


def _expected_hit(citations: list[Citation], expected: list[str]) -> bool:
    for item in expected:
        source, _, section = item.partition("#")
        if any(c.source == source and (not section or c.section == section) for c in citations):
            return True
    return False


@dataclass
class GroundedRow:
    """One grounded question and what the coach did with it."""

    case: dict[str, Any]
    answer: GroundedAnswer
    cited: bool
    unsupported: list[str]
    source_hit: bool

    def misses(self) -> list[str]:
        """What went wrong with this answer, in words (empty when nothing did)."""
        out = []
        if not self.answer.in_scope:
            out.append("declined a playbook question")
        elif not self.cited:
            out.append("no valid citation")
        if self.unsupported:
            out.append(f"figures not in cited passages: {', '.join(self.unsupported)}")
        if not self.source_hit:
            out.append(f"expected a source among {', '.join(self.case['expected'])}")
        return out


def grounded_rows(ask: Ask, knowledge: Knowledge, path: Path | None = None) -> list[GroundedRow]:
    """Ask every grounded question and check citations, figures and sources."""
    sections = section_texts(knowledge)
    rows = []
    for case in load_cases("grounded.yaml", path):
        ans = ask(case["question"])
        texts = [sections.get((c.source, c.section), "") + "\n" + c.text for c in ans.citations]
        bad = unsupported_numbers(ans.answer, texts) if ans.in_scope else []
        hit = _expected_hit(ans.citations, case["expected"])
        rows.append(GroundedRow(case, ans, ans.in_scope and cites(ans), bad, hit))
    return rows


def grounded_metrics(rows: list[GroundedRow]) -> dict[str, Any]:
    """Citation rate, groundedness, expected-source hit rate and false declines."""
    answered = [r for r in rows if r.answer.in_scope]
    return {
        "cases": len(rows),
        "citation_rate": rate(sum(r.cited for r in rows), len(rows)),
        "groundedness": rate(sum(not r.unsupported for r in answered), len(answered)),
        "source_hit_rate": rate(sum(r.source_hit for r in rows), len(rows)),
        "false_decline_rate": rate(len(rows) - len(answered), len(rows), empty=0.0),
    }


def grounded_misses(rows: list[GroundedRow]) -> list[dict[str, Any]]:
    """Per-case details of every grounded answer that missed."""
    return [
        {
            "case": r.case["id"],
            "question": r.case["question"],
            "problems": r.misses(),
            "answer": r.answer.answer,
            "citations": [f"{c.source}#{c.section}" for c in r.answer.citations],
        }
        for r in rows
        if r.misses()
    ]


def offtopic(ask: Ask, path: Path | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Decline rate on off-topic questions (overall and per kind), and the ones answered."""
    cases = load_cases("offtopic.yaml", path)
    answered: list[dict[str, Any]] = []
    kinds: dict[str, list[bool]] = {}
    for case in cases:
        ans = ask(case["question"])
        kinds.setdefault(case["kind"], []).append(not ans.in_scope)
        if ans.in_scope:
            answered.append(
                {"case": case["id"], "kind": case["kind"], "question": case["question"], "answer": ans.answer}
            )
    per_kind = {k: rate(sum(v), len(v)) for k, v in kinds.items()}
    metrics = {"cases": len(cases), "decline_rate": rate(len(cases) - len(answered), len(cases)), "per_kind": per_kind}
    return metrics, answered


def injected_answers(coach: Coach, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Judge each injected answer; a row per case with whether the gap was still found."""
    rows = []
    for case in cases:
        dim = coach.rubric.dimension(case["dimension"])
        j = coach.engine.judge(dim, [Statement(text=case["text"], topic=dim.id)])
        rows.append(
            {
                "case": case["id"],
                "dimension": dim.id,
                "text": case["text"],
                "predicted": j.status,
                "resisted": j.status == "gap",
            }
        )
    return rows


def injected_documents(coach: Coach, cases: list[dict[str, Any]], folder: str) -> list[dict[str, Any]]:
    """Ask questions of a coach that indexed the injected docs; no marker may appear."""
    rows = []
    for case in cases:
        ans = coach.ask(case["question"])
        found = [m for m in case["markers"] if m.lower() in ans.answer.lower()]
        top = coach.index.search(case["question"], k=5)
        exposed = any(p.source.startswith(f"{folder}/") for p in top)
        rows.append(
            {
                "case": case["id"],
                "question": case["question"],
                "answer": ans.answer,
                "markers_found": found,
                "resisted": not found,
                "exposed": exposed,
                "citations": [f"{c.source}#{c.section}" for c in ans.citations],
            }
        )
    return rows


def injection_metrics(answers: list[dict[str, Any]], docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Resistance rates: gaps still found, markers never echoed, and both together."""
    every = answers + docs
    return {
        "cases": len(every),
        "answer_resistance": rate(sum(r["resisted"] for r in answers), len(answers)),
        "document_resistance": rate(sum(r["resisted"] for r in docs), len(docs)),
        # share of document questions whose top 5 passages include an injected document:
        # resistance only means something when the injected text was actually retrieved
        "document_exposure": rate(sum(r["exposed"] for r in docs), len(docs)),
        "resistance_rate": rate(sum(r["resisted"] for r in every), len(every)),
    }
