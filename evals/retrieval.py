"""Retrieval eval: hit@k, MRR and recall@5 of dense, lexical and hybrid search."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from bot.errors import ConfigError
from bot.index import Passage, PlaybookIndex, open_index
from bot.knowledge import load_knowledge

CASES_PATH = Path(__file__).resolve().parent / "cases" / "retrieval.yaml"
MODES = ("dense", "lexical", "hybrid")
DEPTH = 10  # passages fetched per question; MRR is computed over this depth


@dataclass(frozen=True)
class Expected:
    """A passage a good answer must come from: a source file, optionally one section."""

    source: str
    section: str | None = None

    def matches(self, passage: Passage) -> bool:
        """True when the passage comes from this source (and section, if given)."""
        if passage.source != self.source:
            return False
        return self.section is None or passage.section == self.section


@dataclass(frozen=True)
class Case:
    """One retrieval question with the passages that answer it."""

    id: str
    question: str
    expected: list[Expected] = field(default_factory=list)
    dimension: str | None = None


def _expected(item: Any, where: str) -> Expected:
    if isinstance(item, str):  # "source.md#section" shorthand
        source, _, section = item.partition("#")
        return Expected(source, section or None)
    if isinstance(item, dict) and item.get("source"):
        return Expected(str(item["source"]), item.get("section") or None)
    raise ConfigError(f"{where}: each expected item needs a 'source'.")


def load_cases(path: Path | None = None) -> list[Case]:
    """Read the retrieval cases file (a list, or a mapping with a 'cases' list)."""
    path = path or CASES_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read retrieval cases ({exc}).") from exc
    items = data.get("cases", []) if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{path}: expected a non-empty list of retrieval cases.")
    cases = []
    for n, raw in enumerate(items):
        where = f"{path}: case {raw.get('id', n) if isinstance(raw, dict) else n}"
        if not isinstance(raw, dict) or not raw.get("question") or not raw.get("expected"):
            raise ConfigError(f"{where}: needs 'question' and 'expected'.")
        expected = [_expected(e, where) for e in raw["expected"]]
        cases.append(Case(str(raw.get("id", n)), raw["question"], expected, raw.get("dimension")))
    return cases


def first_hit_rank(case: Case, passages: list[Passage]) -> int | None:
    """1-based rank of the first passage matching any expected item, or None."""
    for rank, passage in enumerate(passages, start=1):
        if any(e.matches(passage) for e in case.expected):
            return rank
    return None


def score_mode(index: PlaybookIndex, cases: list[Case], mode: str) -> dict[str, Any]:
    """Metrics of one ranking mode over all cases, plus the ids of the cases it missed."""
    ranks: list[int | None] = []
    recalls: list[float] = []
    for case in cases:
        passages = index.search(case.question, k=DEPTH, mode=mode)  # type: ignore[arg-type]
        ranks.append(first_hit_rank(case, passages))
        found = [e for e in case.expected if any(e.matches(p) for p in passages[:5])]
        recalls.append(len(found) / len(case.expected))
    n = len(cases)

    def hit(k: int) -> float:
        return round(sum(1 for r in ranks if r is not None and r <= k) / n, 4)

    return {
        "hit@1": hit(1),
        "hit@3": hit(3),
        "hit@5": hit(5),
        "mrr": round(sum(1.0 / r for r in ranks if r is not None) / n, 4),
        "recall@5": round(sum(recalls) / n, 4),
        "missed@5": [c.id for c, r in zip(cases, ranks, strict=True) if r is None or r > 5],
    }


def run_retrieval_eval(settings: Settings, cases_path: Path | None = None) -> dict[str, Any]:
    """Sync the index with the knowledge, then score every mode on the cases."""
    cases = load_cases(cases_path)
    knowledge = load_knowledge(settings.knowledge_dir, settings.knowledge_dirs)
    index = open_index(settings)
    index.sync(knowledge.documents)
    modes = {mode: score_mode(index, cases, mode) for mode in MODES}
    return {"suite": "retrieval", "cases": len(cases), "depth": DEPTH, "modes": modes}
