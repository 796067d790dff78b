"""The retrieval eval: case loading, hit matching, and the real playbook's scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chunking import chunk_document
from bot.config import PROJECT_ROOT, Settings
from bot.errors import ConfigError
from bot.index import Passage
from bot.knowledge import load_knowledge
from evals.retrieval import (
    CASES_PATH,
    Case,
    Expected,
    first_hit_rank,
    load_cases,
    run_retrieval_eval,
)


def _passage(source: str, section: str) -> Passage:
    return Passage("t", source, section, section, "T", "", 1.0, f"{source}#{section}")


def test_a_hit_matches_source_and_optional_section() -> None:
    case = Case("c", "q", [Expected("a.md", "intro"), Expected("b.md")])
    assert first_hit_rank(case, [_passage("a.md", "other"), _passage("b.md", "x")]) == 2
    assert first_hit_rank(case, [_passage("a.md", "intro")]) == 1
    assert first_hit_rank(case, [_passage("a.md", "other"), _passage("c.md", "intro")]) is None


def test_cases_load_from_list_or_mapping(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "cases:\n- id: x\n  question: Who owns it?\n  expected:\n"
        "  - {source: a.md, section: s}\n  - b.md#t\n  - {source: c.md}\n"
    )
    (case,) = load_cases(path)
    assert case.expected == [Expected("a.md", "s"), Expected("b.md", "t"), Expected("c.md")]
    path.write_text("- id: y\n  question: Why?\n")
    with pytest.raises(ConfigError, match="needs 'question' and 'expected'"):
        load_cases(path)


def test_every_expected_passage_exists_in_the_playbook() -> None:
    docs = load_knowledge(PROJECT_ROOT / "knowledge").documents
    present = {(c.source, c.section) for d in docs for c in chunk_document(d)}
    sources = {s for s, _ in present}
    for case in load_cases(CASES_PATH):
        for e in case.expected:
            assert e.source in sources, f"{case.id}: {e.source} is not in knowledge/"
            if e.section:
                assert (e.source, e.section) in present, f"{case.id}: no section {e.section}"


def test_hybrid_is_at_least_as_good_as_either_ranking(indexed_settings: Settings) -> None:
    result = run_retrieval_eval(indexed_settings)
    modes = result["modes"]
    assert result["cases"] >= 20
    for metric in ("hit@3", "mrr"):
        assert modes["hybrid"][metric] >= max(modes["dense"][metric], modes["lexical"][metric])
    assert modes["hybrid"]["hit@5"] >= 0.9
