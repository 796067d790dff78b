"""The tense head: trained weights decide whether a setback already happened, with a calibrated bar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.errors import ConfigError
from bot.reading.tense import LABELS, TENSE_PATH, ClauseTense, hashed_features, load_tense, shipped_tense

DATA = Path(__file__).resolve().parents[2] / "training" / "data" / "tense"


def _split(name: str) -> tuple[list[str], list[str]]:
    rows = [line.split("\t", 2) for line in (DATA / f"{name}.tsv").read_text(encoding="utf-8").splitlines() if line]
    return [r[2] for r in rows], [r[0] for r in rows]


def test_the_data_has_every_label_and_no_clause_in_two_splits() -> None:
    seen: dict[str, str] = {}
    for name in ("train", "dev", "test"):
        texts, labels = _split(name)
        assert set(labels) == set(LABELS)
        for text in texts:
            assert text not in seen, f"{text!r} is in {seen.get(text)} and {name}"
            seen[text] = name
    assert len(seen) >= 500


def test_hashed_features_are_unit_length_and_read_word_endings() -> None:
    a, b = hashed_features("usage dropped", 1024), hashed_features("usage dropped", 1024)
    assert np.array_equal(a, b) and abs(float(np.linalg.norm(a)) - 1.0) < 1e-6
    assert float(hashed_features("they walked", 1024) @ hashed_features("we talked", 1024)) > 0  # shared "-ed"
    assert not hashed_features("", 1024).any()


def test_the_shipped_head_keeps_its_promise_on_dev_no_false_past() -> None:
    tense = shipped_tense()
    meta = json.loads(TENSE_PATH.read_text(encoding="utf-8"))
    texts, labels = _split("dev")
    said = tense.happened(texts)
    false_past = [t for t, s, y in zip(texts, said, labels, strict=True) if s and y != "happened"]
    assert false_past == [] and meta["dev"]["false_past"] == 0
    recall = sum(s for s, y in zip(said, labels, strict=True) if y == "happened") / labels.count("happened")
    assert recall == pytest.approx(meta["dev"]["happened_recall"], abs=0.001)  # the card's figure, reproduced
    assert tense.version == meta["version"] and meta["happened_threshold"] >= 0.5


def test_tense_reads_past_now_and_ahead() -> None:
    tense = shipped_tense()
    over = tense.in_the_past(["We rolled it out to the branches in May.", "Go-live is planned for 3 March."])
    assert over == [True, False]
    probs = tense.probabilities(["If the review finds gaps late, the launch could slip."])
    assert probs.shape == (1, len(LABELS)) and LABELS[int(probs.argmax())] == "may_happen"
    assert abs(float(probs.sum()) - 1.0) < 1e-5


def test_each_clause_is_embedded_once() -> None:
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.zeros((len(texts), 384), dtype=np.float32)

    tense = ClauseTense(load_tense(), embed)
    tense.happened(["a", "b", "a"])
    tense.in_the_past(["b", "c"])
    assert calls == [["a", "b"], ["c"]]


def test_memory_is_bounded_least_recently_used_first() -> None:
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.zeros((len(texts), 384), dtype=np.float32)

    tense = ClauseTense(load_tense(), embed, size=2)
    tense.happened(["a", "b"])
    tense.happened(["a"])  # "a" used again: "b" is now the oldest
    tense.happened(["c"])  # over the bound: "b" goes
    tense.happened(["a", "b"])
    assert calls == [["a", "b"], ["c"], ["b"]]


def test_one_head_per_process_so_reports_share_its_memory() -> None:
    assert shipped_tense() is shipped_tense()


def test_a_missing_or_malformed_head_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="make train-tense"):
        load_tense(tmp_path / "missing.json")
    bad = tmp_path / "tense.json"
    meta = json.loads(TENSE_PATH.read_text(encoding="utf-8"))
    bad.write_text(json.dumps({**meta, "labels": ["past", "now"]}), encoding="utf-8")
    with pytest.raises(ConfigError, match="malformed"):
        load_tense(bad)
