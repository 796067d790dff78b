"""The trained question-vs-unit reranker: int8 ONNX MiniLM cross-encoder run by onnxruntime (no torch).

It reads a question and a unit of the playbook (a paragraph, a list with its lead-in, a definition)
together, "[CLS] question [SEP] unit [SEP]", and gives one relevance logit: how well the unit
answers the question, not only how close their topics are. Trained by `make train-rerank`
(training/train_rerank.py); the model card is bot/assets/rerank/README.md. Optional: without the
shipped file the offline engine ranks as it did before (`load_reranker` returns None).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.embeddings import TOKENIZER_PATH
from bot.engine.compose import Relevance, units
from bot.errors import ConfigError
from bot.memo import Memo
from bot.onnx_session import cpu_session
from bot.reading.reader import encode

if TYPE_CHECKING:
    from bot.index import Passage

MODEL_DIR = Path(__file__).resolve().parent.parent / "assets" / "rerank"
BATCH_SIZE = 16
SCORES_KEPT = 20_000  # (question, unit) logits kept per process


def _broken(path: Path, what: str) -> ConfigError:
    return ConfigError(
        f"The reranker file {path} is {what}: run `make train-rerank` to rebuild it, "
        "restore it with `git checkout bot/assets/rerank`, or delete the folder to answer without it."
    )


class Reranker:
    """Scores (question, unit) pairs; same pair, same score. Thread-safe; scores are cached."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 2, verify: bool = True) -> None:
        from tokenizers import Tokenizer

        meta_path, model_path = model_dir / "rerank.json", model_dir / "rerank.onnx"
        try:
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
            self.version: str = self.meta["version"]
        except (OSError, ValueError, KeyError) as exc:
            raise _broken(meta_path, "missing or corrupt") from exc
        blob = model_path.read_bytes()
        if verify and hashlib.sha256(blob).hexdigest() != self.meta.get("sha256"):
            raise _broken(model_path, "corrupt (its sha256 does not match rerank.json)")
        try:
            self._session = cpu_session(blob, threads)
        except Exception as exc:  # onnxruntime raises its own types
            raise _broken(model_path, "corrupt") from exc
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(max_length=int(self.meta.get("max_tokens", 128)))
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._lock = threading.Lock()
        self._kept: Memo[float] = Memo(SCORES_KEPT)

    def scores(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """A relevance logit per text, in order: higher answers the question better."""
        found = {t: self._kept.get((question, t)) for t in dict.fromkeys(texts)}
        fresh = [t for t, s in found.items() if s is None]
        for start in range(0, len(fresh), BATCH_SIZE):
            batch = fresh[start : start + BATCH_SIZE]
            with self._lock:  # the tokenizer's padding state is shared
                ids, mask, types = encode(self._tokenizer, batch, [question] * len(batch))
            logits = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            for text, logit in zip(batch, logits.reshape(-1), strict=True):
                found[text] = self._kept.put((question, text), float(logit))
        return np.array([found[t] for t in texts], dtype=np.float32)


def load_reranker(model_dir: Path = MODEL_DIR, threads: int = 2) -> Reranker | None:
    """The reranker in `model_dir`, or None when none is shipped there (answers rank as before)."""
    if not (model_dir / "rerank.onnx").is_file():
        return None
    return Reranker(model_dir, threads=threads)


def by_relevance(passages: Sequence[Passage], relevance: Relevance) -> list[Passage]:
    """The passages ordered by their best unit's relevance, best first; a tie keeps the retrieval order."""
    found = [units(p.text, i) for i, p in enumerate(passages)]
    logits = iter(relevance([u.text for us in found for u in us]))
    best = [max((next(logits) for _ in us), default=-np.inf) for us in found]
    return [passages[i] for i in sorted(range(len(passages)), key=lambda i: -best[i])]
