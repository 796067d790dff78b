"""Metric helpers and the threshold checker on hand-made numbers and outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from evals.gaps import Outcome, gap_metrics
from evals.metrics import combine_runs, flatten, numbers, prf, rate, spread, unsupported_numbers
from evals.thresholds import Threshold, check, load_thresholds


def test_prf_counts_precision_recall_and_f1() -> None:
    assert prf(3, 1, 2) == {"precision": 0.75, "recall": 0.6, "f1": 0.667, "support": 5}
    assert prf(0, 0, 0)["f1"] == 1.0  # nothing to find and nothing claimed
    assert prf(0, 2, 3) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 3}


def test_rate_rounds_and_handles_empty() -> None:
    assert rate(2, 3) == 0.667
    assert rate(0, 0) == 1.0 and rate(0, 0, empty=0.0) == 0.0


def test_gap_metrics_on_hand_made_outcomes() -> None:
    outcomes = [
        Outcome(
            "a",
            "persona",
            {"data_pipeline": "gap", "governance": "ready"},
            {"data_pipeline": "gap", "governance": "gap"},
            {"data_pipeline": "critical"},
            {"data_pipeline": "high", "governance": "critical"},
        ),
        Outcome(
            "b",
            "persona",
            {"data_pipeline": "gap", "governance": "gap"},
            {"data_pipeline": "ready", "governance": "gap"},
            {"governance": "critical"},
            {"governance": "critical"},
            healthy=False,
        ),
        Outcome(
            "c",
            "persona",
            {"governance": "ready"},
            {"governance": "gap"},
            {},
            {"governance": "critical"},
            healthy=True,
            complete=False,
            turns=4,
        ),
    ]
    m = gap_metrics(outcomes)
    # data_pipeline: tp 1, fn 1; governance: tp 1, fp 2
    assert m["per_dimension"]["data_pipeline"] == {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2}
    assert m["per_dimension"]["governance"]["precision"] == 0.333
    assert m["overall"] == {"precision": 0.5, "recall": 0.667, "f1": 0.571, "support": 3}
    assert m["severity_accuracy"] == 0.5  # a: high vs critical; b: critical ok
    assert m["false_critical_on_healthy"] == 1
    assert m["status_accuracy"] == 0.4
    assert m["completion_rate"] == 0.667


def test_numbers_ignore_citation_marks_and_normalise_separators() -> None:
    assert numbers("About 80 percent [1] of 1,000 pilots, 40.5% [2].") == {"80", "1000", "40.5"}
    assert numbers("Version v2 and COVID19 are words, not figures.") == set()


def test_unsupported_numbers_are_those_no_passage_has() -> None:
    passages = ["Roughly 80 percent disappear.", "A 90-minute talk beats 90 days of remediation."]
    assert unsupported_numbers("80 percent [1] and 90 minutes [2]", passages) == []
    assert unsupported_numbers("Some 75 percent fail within 90 days.", passages) == ["75"]


def test_spread_and_combine_runs() -> None:
    assert spread([0.8, 0.9, 1.0]) == {"mean": 0.9, "min": 0.8, "max": 1.0, "stdev": 0.0816}
    runs = [{"a.x": 1.0, "a.y": 0.5}, {"a.x": 0.0, "a.y": 0.5}]
    assert combine_runs(runs) == {
        "a.x": {"mean": 0.5, "min": 0.0, "max": 1.0, "stdev": 0.5},
        "a.y": {"mean": 0.5, "min": 0.5, "max": 0.5, "stdev": 0.0},
    }


def test_flatten_keeps_numbers_only() -> None:
    tree = {"s": {"coach": {"f1": 0.5, "n": 3}, "ok": True, "name": "x"}}
    assert flatten(tree) == {"s.coach.f1": 0.5, "s.coach.n": 3.0}


def test_check_min_and_max_thresholds() -> None:
    thresholds = [
        Threshold("s.recall", "min", 0.8),
        Threshold("s.false_critical", "max", 0),
        Threshold("s.absent", "min", 0.1),
        Threshold("other.x", "min", 1.0),  # suite not run: ignored
    ]
    metrics = {"s.recall": 0.8, "s.false_critical": 1.0}
    failures = check(metrics, thresholds, {"s"})
    assert [(f.path, f.value) for f in failures] == [("s.false_critical", 1.0), ("s.absent", None)]
    assert failures[0].describe() == "s.false_critical = 1, required <= 0"
    assert "not measured" in failures[1].describe()
    assert check({"s.recall": 0.79, "s.false_critical": 0.0, "s.absent": 1}, thresholds, {"s"})[0].path == "s.recall"


def test_thresholds_file_loads_and_rejects_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("min:\n  a.b: 0.5\nmax:\n  a.c: 0\n")
    assert load_thresholds(path) == [Threshold("a.b", "min", 0.5), Threshold("a.c", "max", 0.0)]
    path.write_text("min:\n  a.b: high\n")
    with pytest.raises(ConfigError, match="must be a number"):
        load_thresholds(path)


def test_the_shipped_thresholds_file_is_valid() -> None:
    thresholds = load_thresholds()
    assert thresholds and all(t.kind in ("min", "max") for t in thresholds)
