"""The probe runners (`python -m evals.probe_writeups|probe_answers|probe_interviews DIR`) on tiny
fixture probe folders, with the real offline coach: the printed figures agree with the scoring
functions, every miss is listed by case, and interview transcripts are written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from evals import answer_quality, frozen, probe_answers, probe_interviews, probe_writeups
from evals.context import EvalContext
from evals.gaps import load_yaml_dir, run_personas
from tests.conftest import make_settings

FIXTURES = Path(__file__).parent / "probe_fixtures"


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvalContext]:
    """One eval coach for the module (indexing the playbook is the slow part)."""
    context = EvalContext(make_settings(tmp_path_factory.mktemp("probes") / "data"))
    yield context
    context.close()


def _line(text: str, label: str) -> str:
    return next(ln for ln in text.splitlines() if ln.startswith(label + " "))


def _labels(kind: str) -> list[str]:
    cases = load_yaml_dir(FIXTURES / "writeups")
    return [s for case in cases for s in case["expected"]["status"].values() if s == kind]


def test_writeup_runner_prints_the_figures_and_every_miss(ctx: EvalContext) -> None:
    result = probe_writeups.measure(ctx, FIXTURES / "writeups")
    text = probe_writeups.render(result)
    metrics = frozen.writeup_metrics(result["rows"])
    assert text.splitlines()[0].endswith(": 2 write-ups")
    assert _line(text, "gap recall").endswith(f"{metrics['gap_recall']} ({result['tallies']['gap_recall'].hits}/5)")
    assert _line(text, "in place recognised").endswith(f"/{len(_labels('ready'))})")
    assert _line(text, "pilots with a false critical").endswith(f"{metrics['false_critical_cases']} of 2")
    assert _line(text, "agentic").endswith("/2)")
    # the fixture's integration label is one no reading of the text can reach
    assert "w1_parts_forecast_status legacy_integration: in place, read as " in text
    for miss in frozen.writeup_misses(result["rows"]):
        assert f"{miss['case']} {miss['dimension']}: " in text


def test_answer_runner_prints_the_figures_and_every_miss(ctx: EvalContext) -> None:
    result = probe_answers.measure(ctx, FIXTURES / "answers")
    text = probe_answers.render(result)
    metrics = answer_quality.split_metrics(result["rows"], result["offtopic"])
    assert text.splitlines()[0].endswith(": 2 questions, 2 off-topic")
    assert _line(text, "key idea").endswith(f"{metrics['key_idea_rate']} ({result['tallies']['key_idea'].hits}/2)")
    assert _line(text, "on target").endswith(f"({result['tallies']['on_target'].hits}/2)")
    assert _line(text, "off-topic declined").endswith("/2)")
    assert _line(text, "near misses declined").endswith("/1)")
    assert "q2: missing: " in text and "key_idea" in _line(text, "  q2:")  # no answer says "zebra crossing"
    for miss in answer_quality.case_misses(result["rows"], result["offtopic"]):
        assert f"  {miss['case']}: {miss['problem']}" in text


def test_interview_transcripts_hold_every_turn_and_the_outcome(ctx: EvalContext, tmp_path: Path) -> None:
    outcomes = run_personas(ctx.coach(), FIXTURES / "interviews")
    probe_interviews.write_transcripts(outcomes, tmp_path / "t")
    (outcome,) = outcomes
    saved = json.loads((tmp_path / "t" / "f1_terse_rostering.json").read_text(encoding="utf-8"))
    assert saved["predicted"] == outcome.predicted and saved["turns"] == outcome.turns
    assert [tuple(t) for t in saved["transcript"]] == outcome.transcript and len(outcome.transcript) > 2
    page = (tmp_path / "t" / "f1_terse_rostering.md").read_text(encoding="utf-8")
    assert "a csv export from the rostering system, done once by hand" in page
    assert outcome.transcript[1][1] in page and outcome.transcript[-1][1] in page
    for dim, got in outcome.predicted.items():
        assert f"| {dim} | {outcome.expected[dim]} | {got} |" in page


def test_interview_runner_writes_json_and_transcripts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "unused"))
    for name in ("COACH_CHROMA_URL", "COACH_KNOWLEDGE_DIRS", "COACH_DATABASE_URL", "OPENAI_API_KEY"):
        monkeypatch.setenv(name, "")
    folder = FIXTURES / "interviews"
    probe_interviews.main([str(folder), "--json", str(tmp_path / "out.json"), "--transcripts", str(tmp_path / "t")])
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["metrics"]["interviews"] == 1 and data["outcomes"][0]["case_id"] == "f1_terse_rostering"
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["f1_terse_rostering.json", "f1_terse_rostering.md"]
    expected = yaml.safe_load((folder / "f1_terse_rostering.yaml").read_text(encoding="utf-8"))["expected"]
    assert data["outcomes"][0]["expected"] == expected["status"]


@pytest.mark.parametrize("module", [probe_writeups, probe_answers, probe_interviews])
def test_a_missing_folder_is_a_usage_error(module: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        module.main([str(tmp_path / "nowhere")])  # type: ignore[attr-defined]
    assert exc.value.code == 2
    assert "is not a folder" in capsys.readouterr().err
