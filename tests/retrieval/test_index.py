"""The Chroma-backed playbook index: idempotent sync, dense/lexical/hybrid search, filters."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import ConfigError, ServiceUnavailable
from bot.index import PlaybookIndex, open_index
from bot.knowledge import iter_documents

MODES = ("dense", "lexical", "hybrid")


def _sync(index: PlaybookIndex, folder: Path, seen: list[tuple[int, int]] | None = None):
    progress = (lambda done, total: seen.append((done, total))) if seen is not None else None
    return index.sync(iter_documents(folder), progress=progress)


def test_second_sync_adds_nothing(settings: Settings, docs_dir: Path) -> None:
    first = _sync(open_index(settings), docs_dir)
    assert first.documents == 4 and first.added == first.chunks > 4 and first.removed == 0
    again = _sync(open_index(settings), docs_dir)  # a fresh client on the same files
    assert (again.added, again.removed, again.unchanged) == (0, 0, first.chunks)
    assert again.chunks == first.chunks


def test_editing_one_document_embeds_only_its_new_chunk(settings: Settings, docs_dir: Path) -> None:
    index = open_index(settings)
    _sync(index, docs_dir)
    before = {(p.source, p.chunk_id) for p in index.search("pilot", k=50, mode="lexical")}
    path = docs_dir / "owner.md"
    path.write_text(path.read_text() + "\n## Budget\n\nRecurring OpEx needs an owner.\n")
    seen: list[tuple[int, int]] = []
    summary = _sync(index, docs_dir, seen)
    assert (summary.added, summary.removed, summary.embedded) == (1, 0, 1)  # the old section is kept
    assert seen[-1] == (1, 1)  # only the new section was written
    after = {(p.source, p.chunk_id) for p in index.search("pilot", k=50, mode="lexical")}
    assert {x for x in before if x[0] != "owner.md"} == {x for x in after if x[0] != "owner.md"}
    assert summary.chunks == summary.unchanged + 1
    hits = index.search("who pays the recurring OpEx", k=1)
    assert hits[0].source == "owner.md" and hits[0].section == "budget"


def test_deleted_documents_lose_their_chunks(settings: Settings, docs_dir: Path) -> None:
    index = open_index(settings)
    total = _sync(index, docs_dir).chunks
    (docs_dir / "governance.md").unlink()
    summary = _sync(index, docs_dir)
    assert summary.removed == 2 and summary.added == 0 and summary.chunks == total - 2
    for mode in MODES:
        found = index.search("audit trail compliance reviewers", k=10, mode=mode)
        assert all(p.source != "governance.md" for p in found)


@pytest.mark.parametrize("mode", MODES)
def test_search_finds_the_right_document(settings: Settings, docs_dir: Path, mode: str) -> None:
    index = open_index(settings)
    _sync(index, docs_dir)
    top = index.search("Is there an audit trail for sensitive data?", k=3, mode=mode)  # type: ignore[arg-type]
    assert top[0].source == "governance.md"
    assert top[0].section == "what-goes-wrong"
    assert top[0].title == "Governance and guardrails" and top[0].dimension == "governance"
    assert [p.score for p in top] == sorted((p.score for p in top), reverse=True)


@pytest.mark.parametrize("mode", MODES)
def test_dimension_filter(settings: Settings, docs_dir: Path, mode: str) -> None:
    index = open_index(settings)
    _sync(index, docs_dir)
    query = "compliance review and the data pipeline sample"
    only = index.search(query, k=10, dimension="data_pipeline", mode=mode)  # type: ignore[arg-type]
    assert only and {p.source for p in only} == {"pipeline.md"}
    both = index.search(query, k=10, dimension=["governance", "roi_ownership"], mode=mode)  # type: ignore[arg-type]
    assert both and {p.dimension for p in both} <= {"governance", "roi_ownership"}
    assert index.search(query, k=10, dimension="legacy_integration", mode=mode) == []  # type: ignore[arg-type]
    assert len(index.search(query, k=10, dimension=[], mode=mode)) > len(both)  # type: ignore[arg-type]


def test_lexical_cache_follows_changes_made_by_another_client(settings: Settings, docs_dir: Path) -> None:
    reader, writer = open_index(settings), open_index(settings)
    _sync(writer, docs_dir)
    assert reader.search("zeppelin", mode="lexical") == []  # builds the reader's BM25 cache
    path = docs_dir / "overview.md"
    path.write_text(path.read_text() + "\nA zeppelin is not a delivery plan.\n")
    _sync(writer, docs_dir)
    assert reader.search("zeppelin", mode="lexical")[0].source == "overview.md"


def test_empty_index_and_empty_query(settings: Settings, docs_dir: Path) -> None:
    index = open_index(settings)
    assert index.count() == 0
    assert all(index.search("anything", mode=m) == [] for m in MODES)  # type: ignore[arg-type]
    _sync(index, docs_dir)
    assert index.search("   ") == []
    with pytest.raises(ConfigError, match="Unknown search mode"):
        index.search("pilot", mode="fuzzy")  # type: ignore[arg-type]


def test_unreachable_chroma_server_is_one_clear_sentence(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(ServiceUnavailable) as err:
        open_index(Settings(data_dir=tmp_path, chroma_url=url))
    assert str(err.value) == (f"Cannot reach the Chroma server at {url}: start it or unset COACH_CHROMA_URL.")


def _fused_one_leg_after_the_other(index: PlaybookIndex, query: str, k: int, dimension: str | None = None):
    """Hybrid search as it was written before the legs overlapped: each leg alone, then fused."""
    from bot.lexical import reciprocal_rank_fusion

    n = max(4 * k, 20)
    lexical = index.search(query, k=n, dimension=dimension, mode="lexical")
    dense = index.search(query, k=n, dimension=dimension, mode="dense")
    by_id = {p.chunk_id: p for p in [*lexical, *dense]}
    fused = reciprocal_rank_fusion([[p.chunk_id for p in dense], [p.chunk_id for p in lexical]], k=60)
    return [(by_id[cid].chunk_id, by_id[cid].text, by_id[cid].section, round(s, 6)) for cid, s in fused[:k]]


QUERIES = [
    "Is there an audit trail for sensitive data?",
    "who pays after the pilot",
    "production data at full volume",
    "why pilots stall",
    "compliance review in week one",
    "zeppelin",
]


def test_hybrid_equals_the_two_legs_fused_also_under_concurrent_searches(settings: Settings, docs_dir: Path) -> None:
    index = open_index(settings)
    _sync(index, docs_dir)
    expected = {
        (q, dim): _fused_one_leg_after_the_other(index, q, 3, dim) for q in QUERIES for dim in (None, "governance")
    }

    def hybrid(key: tuple[str, str | None]) -> list[tuple[str, str, str, float]]:
        found = index.search(key[0], k=3, dimension=key[1])
        return [(p.chunk_id, p.text, p.section, p.score) for p in found]

    assert {key: hybrid(key) for key in expected} == expected
    # several searches at once: the lexical leg's thread is often busy, and the leg then runs inline
    from concurrent.futures import ThreadPoolExecutor

    keys = list(expected) * 5
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(hybrid, keys)) == [expected[key] for key in keys]
    index.close()
