"""The keyword baseline: negation words mean a gap, nothing means unknown."""

from __future__ import annotations

from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.knowledge import load_rubric
from evals.baselines import baseline_answers, baseline_assessments, dimension_text, keyword_status
from evals.gaps import gap_metrics


def test_keyword_status() -> None:
    assert keyword_status("We have no owner yet.") == "gap"
    assert keyword_status("It doesn't log anything") == "gap"
    assert keyword_status("The COO owns it and it is in her budget.") == "ready"
    assert keyword_status("   ") == "unknown"
    assert keyword_status("Nothing") == "gap" and keyword_status("Notable wins") == "ready"


def test_baseline_on_a_small_answers_file(tmp_path: Path) -> None:
    rubric = load_rubric(PROJECT_ROOT / "knowledge" / "rubric.yaml")
    path = tmp_path / "answers.yaml"
    path.write_text(
        "- {id: x1, dimension: governance, text: 'Compliance has not seen it.', status: gap, severity: critical}\n"
        "- {id: x2, dimension: governance, text: 'Signed off by risk.', status: ready}\n"
        "- {id: x3, dimension: data_pipeline, text: 'No issues at all, all automated.', status: ready}\n"
    )
    outcomes = baseline_answers(rubric, path)
    assert [o.predicted for o in outcomes] == [
        {"governance": "gap"},
        {"governance": "ready"},
        {"data_pipeline": "gap"},
    ]
    assert outcomes[0].predicted_severity == {"governance": rubric.dimension("governance").base_severity}
    m = gap_metrics(outcomes)
    assert m["overall"]["precision"] == 0.5 and m["overall"]["recall"] == 1.0


def test_assessment_baseline_reads_keyword_sentences() -> None:
    text = "The ERP interface is live. Nobody monitors drift. We like cake."
    assert dimension_text(text, ["ERP"]) == "The ERP interface is live."
    assert dimension_text(text, ["drift"]) == "Nobody monitors drift."
    assert dimension_text(text, ["budget"]) == ""
    rubric = load_rubric(PROJECT_ROOT / "knowledge" / "rubric.yaml")
    assert len(baseline_assessments(rubric)) >= 10
