"""The HTML report: self-contained, lists every miss, marks failing metrics."""

from __future__ import annotations

from pathlib import Path

from evals.report import metric_columns, render_html, write_html, write_json


def _results() -> dict:
    return {
        "engine": "offline",
        "runs": 1,
        "seconds": 1.0,
        "spread": {},
        "thresholds": [{"path": "answers.coach.overall.f1", "kind": "min", "bound": 0.9}],
        "failures": [
            {
                "path": "answers.coach.overall.f1",
                "kind": "min",
                "bound": 0.9,
                "value": 0.5,
                "message": "answers.coach.overall.f1 = 0.5, required >= 0.9",
            }
        ],
        "suites": {
            "answers": {
                "seconds": 0.5,
                "notes": ["a note"],
                "metrics": {"coach": {"overall": {"f1": 0.5}}, "baseline": {"overall": {"f1": 0.4}}},
                "misses": [{"case": "a042", "dimension": "governance", "expected": "gap", "predicted": "<ready>"}],
            }
        },
    }


def test_columns_put_coach_beside_baseline() -> None:
    cols, rows = metric_columns({"coach": {"f1": 0.5}, "baseline": {"f1": 0.4}, "cases": 3})
    assert cols == ["coach", "baseline"]
    assert rows == [("f1", "coach.f1", [0.5, 0.4]), ("cases", "cases", [3.0, None])]


def test_html_lists_misses_and_failures(tmp_path: Path) -> None:
    html = render_html(_results())
    assert "a042" in html and "&lt;ready&gt;" in html  # escaped
    assert "answers.coach.overall.f1 = 0.5, required &gt;= 0.9" in html
    assert "class='fail'" in html and "a note" in html
    assert "<link" not in html and "<script" not in html and "http" not in html  # no assets
    path = write_html(_results(), tmp_path / "r")
    assert path.read_text(encoding="utf-8") == html
    assert write_json(_results(), tmp_path / "r").name == "results.json"
