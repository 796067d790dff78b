"""The trained question-vs-unit reranker: the shipped file is the one its card names, it reads which unit
answers a question (not which shares its words), it orders passages and units by that, and without
the file the engine answers as it did before."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.embeddings import get_embedder
from bot.engine.base import ANSWER_PASSAGES
from bot.engine.compose import Intent, compose
from bot.engine.offline import OfflineEngine
from bot.engine.rerank import MODEL_DIR, by_relevance, load_reranker
from bot.errors import ConfigError
from bot.index import Passage
from bot.service import Coach

SHIPPED = (MODEL_DIR / "rerank.onnx").is_file()
needs_model = pytest.mark.skipif(not SHIPPED, reason="no reranker shipped in bot/assets/rerank")

QUESTION = "who has to sign off before the agent may issue a refund above the limit?"
ANSWERS = (
    "Refunds above the approval threshold wait for the duty manager, who approves or rejects each one with "
    "the agent's reasoning in front of them; below it the agent may act alone."
)
SHARES_WORDS = (  # the question's words (agent, refund, limit, sign) without its answer
    "Last spring the agent issued a refund twice when the ledger was late, and the limit on the sign-up "
    "page was changed by mistake; the team found out from a customer."
)
DEFINES = "A sandbox is a copy of a system where an agent can be tried without touching real records."


def _vectors(texts: Sequence[str]) -> np.ndarray:
    return get_embedder().embed(list(texts))


def _passage(text: str, section: str) -> Passage:
    return Passage(text, "refunds.md", section, section, "refunds.md", "", 0.0, f"refunds.md#{section}")


def _favouring(text: str):
    """Relevance as a reranker would give it: high for the unit holding `text`, low for the others."""
    return lambda texts: np.array([4.0 if text in t else -4.0 for t in texts], dtype=np.float32)


@needs_model
def test_the_shipped_file_is_the_one_its_card_names() -> None:
    meta = json.loads((MODEL_DIR / "rerank.json").read_text(encoding="utf-8"))
    assert hashlib.sha256((MODEL_DIR / "rerank.onnx").read_bytes()).hexdigest() == meta["sha256"]
    assert (MODEL_DIR / "rerank.onnx").stat().st_size < 30_000_000


@needs_model
def test_the_reranker_puts_the_answering_unit_above_one_that_only_shares_its_words() -> None:
    reranker = load_reranker()
    assert reranker is not None
    scores = reranker.scores(QUESTION, [SHARES_WORDS, ANSWERS, DEFINES])
    assert scores[1] > scores[0] and scores[1] > scores[2], scores
    assert np.array_equal(reranker.scores(QUESTION, [ANSWERS]), scores[1:2])  # cached: same pair, same score


def test_without_the_file_the_engine_searches_and_answers_as_before(coach: Coach, tmp_path: Path) -> None:
    engine = coach.engine
    assert isinstance(engine, OfflineEngine)
    plain = OfflineEngine(engine.rubric, get_embedder().embed, engine.reader, reranker=load_reranker(tmp_path))
    assert plain.reranker is None
    asked: list[int] = []

    def search(k: int) -> list[Passage]:
        asked.append(k)
        return [_passage(DEFINES, "sandbox"), _passage(SHARES_WORDS, "story"), _passage(ANSWERS, "approvals")][:k]

    plain.retrieve("what is a sandbox?", search)
    assert asked == [ANSWER_PASSAGES]  # no deeper search for a reranker that isn't there
    passages = search(3)
    before = OfflineEngine(engine.rubric, get_embedder().embed, engine.reader).answer(QUESTION, passages)
    assert plain.answer(QUESTION, passages) == before


def test_a_corrupt_file_is_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "rerank.onnx").write_bytes(b"not a model")
    (tmp_path / "rerank.json").write_text(json.dumps({"version": "x", "sha256": "0" * 64}), encoding="utf-8")
    with pytest.raises(ConfigError, match="make train-rerank"):
        load_reranker(tmp_path)
    if SHIPPED:  # a real file whose card names another hash
        shutil.copy(MODEL_DIR / "rerank.onnx", tmp_path / "rerank.onnx")
        with pytest.raises(ConfigError, match="sha256"):
            load_reranker(tmp_path)


def test_passages_are_ordered_by_their_best_units_relevance() -> None:
    passages = [_passage(SHARES_WORDS, "story"), _passage(DEFINES, "sandbox"), _passage(ANSWERS, "approvals")]
    ordered = by_relevance(passages, _favouring("duty manager"))
    assert [p.section for p in ordered] == ["approvals", "story", "sandbox"]  # a tie keeps the retrieval order


def test_the_composer_answers_from_the_unit_the_reranker_reads_as_answering() -> None:
    passages = [_passage(SHARES_WORDS, "story"), _passage(ANSWERS, "approvals")]
    reranked = compose(QUESTION, passages, _vectors, Intent(relevance=_favouring("duty manager")))
    assert reranked is not None and reranked.parts[0].passage == 1
    against = compose(QUESTION, passages, _vectors, Intent(relevance=_favouring("ledger was late")))
    assert against is not None and against.parts[0].passage == 0
