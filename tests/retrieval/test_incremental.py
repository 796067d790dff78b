"""Incremental indexing: BM25 updated per document equals a full rebuild, vectors are reused by
chunk text, an unchanged playbook is recognised from its manifest, a crash mid-write is repaired."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import bm25s
import numpy as np
import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.embeddings import get_embedder
from bot.index import PlaybookIndex, index_knowledge, open_index
from bot.indexing import lexical_path
from bot.knowledge import iter_documents
from bot.lexical import Bm25, term_counts, tokenize
from bot.lexical_store import LexicalStore
from tests.retrieval.conftest import write_doc

QUERIES = ["pilot budget owner", "audit trail compliance", "production data pipeline", "zeppelin delivery plan"]


class CountingEmbedder:
    """The real MiniLM embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return get_embedder().embed(texts)


class VersionedCounting(CountingEmbedder):
    """The counting embedder naming its model, so its query vectors may be cached."""

    model_version = "counting-minilm/1"

    def query_key(self, text: str) -> str:
        return get_embedder().query_key(text)


def _lexical(index: PlaybookIndex) -> dict[str, list[tuple[str, float]]]:
    return {q: [(p.chunk_id, p.score) for p in index.search(q, k=50, mode="lexical")] for q in QUERIES}


def _bm25(texts: list[str]) -> Bm25:
    bm25 = Bm25()
    for row, text in enumerate(texts):
        terms, counts, _ = term_counts(text)
        tids = np.array([bm25.vocab.setdefault(t, len(bm25.vocab)) for t in terms], dtype=np.int32)
        bm25.add(row, tids, np.array(counts, dtype=np.int32))
    return bm25


TEXTS = [
    "The pilot has no owner and no budget for the second year.",
    "Compliance reviewers found no audit trail of prompts.",
    "The production data pipeline differs from the pilot sample.",
    "",
    "Budget owner budget owner: the sponsor pays for the pilot.",
]


def test_bm25_scores_match_bm25s() -> None:
    ours = _bm25(TEXTS)
    reference = bm25s.BM25()
    reference.index([tokenize(t) or [""] for t in TEXTS], show_progress=False)
    for query in ["pilot budget owner", "audit trail", "pilot pilot", "nothing known"]:
        tids = [reference.vocab_dict[t] for t in tokenize(query) if t in reference.vocab_dict]
        expected = reference.get_scores_from_ids(tids) if tids else np.zeros(len(TEXTS))
        assert np.allclose(ours.scores(query), expected, atol=1e-5), query


def test_removing_and_adding_rows_scores_like_a_fresh_build() -> None:
    bm25 = _bm25(TEXTS)
    for row, text in [(1, TEXTS[1]), (4, TEXTS[4])]:
        terms, _, _ = term_counts(text)
        bm25.remove(row, np.array([bm25.vocab[t] for t in terms], dtype=np.int32))
    terms, counts, _ = term_counts("A new owner signs the budget.")
    bm25.add(5, np.array([bm25.vocab.setdefault(t, len(bm25.vocab)) for t in terms]), np.array(counts))
    fresh = _bm25([TEXTS[0], TEXTS[2], TEXTS[3], "A new owner signs the budget."])
    for query in ["pilot budget owner", "audit trail", "new owner"]:
        assert np.allclose(bm25.scores(query)[[0, 2, 3, 5]], fresh.scores(query), atol=1e-6), query
        bm25.compact()  # folding the tail in changes nothing either
        assert np.allclose(bm25.scores(query)[[0, 2, 3, 5]], fresh.scores(query), atol=1e-6), query


def test_add_edit_delete_documents_equal_a_full_rebuild(settings: Settings, docs_dir: Path, tmp_path: Path) -> None:
    index = open_index(settings)
    index.sync(iter_documents(docs_dir))
    _lexical(index)  # load the in-memory BM25 before the changes, so they are applied to it
    write_doc(docs_dir, "airship.md", "workflow_adoption", "Airships", "## Plan\n\nA zeppelin is not a delivery plan.")
    owner = docs_dir / "owner.md"
    owner.write_text(owner.read_text() + "\n## Budget\n\nThe budget owner signs the pilot off.\n")
    (docs_dir / "governance.md").unlink()
    index.sync(iter_documents(docs_dir))
    incremental = _lexical(index)
    rebuilt = open_index(Settings(data_dir=tmp_path / "fresh", knowledge_dir=docs_dir, knowledge_dirs=[]))
    rebuilt.sync(iter_documents(docs_dir))
    assert incremental == _lexical(rebuilt)
    assert incremental["zeppelin delivery plan"][0][0] in {p.chunk_id for p in index.search("zeppelin", k=1)}
    reopened = open_index(settings)  # another process reads the persisted store
    assert _lexical(reopened) == incremental


def _vectors_by_embed_sha(index: PlaybookIndex, source: str) -> dict[str, np.ndarray]:
    """embedded-text hash -> the vector Chroma holds, for one document's chunks."""
    got = index._collection.get(where={"source": source}, include=["embeddings"])
    rows = index.store.by_ids(got["ids"])
    return {rows[cid].meta["embed_sha"]: np.asarray(v) for cid, v in zip(got["ids"], got["embeddings"], strict=True)}


def test_only_chunks_with_new_text_are_embedded(settings: Settings, docs_dir: Path) -> None:
    counting = CountingEmbedder()
    index = open_index(settings, embedder=counting)
    body = "\n\n".join(f"## Part {n}\n\nSection {n} says the owner of step {n} is named." for n in range(4))
    write_doc(docs_dir, "steps.md", "roi_ownership", "Steps", body)
    index.sync(iter_documents(docs_dir))
    vectors = _vectors_by_embed_sha(index, "steps.md")
    counting.texts.clear()
    write_doc(docs_dir, "steps.md", "roi_ownership", "Steps", "## Intro\n\nRead this first.\n\n" + body)
    summary = index.sync(iter_documents(docs_dir))
    assert counting.texts == ["Steps > Intro\n\nRead this first."]  # every other chunk moved, none changed
    assert (summary.embedded, summary.added, summary.removed) == (1, 5, 4)  # ordinals shifted: new ids
    for sha, vector in _vectors_by_embed_sha(index, "steps.md").items():
        if sha in vectors:
            assert np.allclose(vector, vectors[sha], atol=1e-6)  # Chroma re-normalises
    assert index.search("who is the owner of step 2", k=1)[0].section == "part-2"


def test_a_crash_mid_write_is_repaired_from_chroma(settings: Settings, docs_dir: Path) -> None:
    index = open_index(settings)
    index.sync(iter_documents(docs_dir))
    expected = _lexical(index)
    index.store.begin_writing()  # the process dies after writing to Chroma, before the lexical store
    index._collection.add(ids=["orphan"], embeddings=get_embedder().embed(["orphan"]), metadatas=[{"source": "x.md"}])
    assert LexicalStore(lexical_path(settings)).get("writing") == "1"
    reopened = open_index(settings)
    assert reopened.store.get("writing") == ""
    assert reopened._collection.get(ids=["orphan"])["ids"] == []  # Chroma rolled back to the store
    assert _lexical(reopened) == expected
    assert reopened.count() == index._collection.count()


SCRIPT = """
import json, sys
from pathlib import Path
from bot.config import Settings
from bot.indexing import plan_index
settings = Settings(data_dir=Path(sys.argv[1]), knowledge_dir=Path(sys.argv[2]), knowledge_dirs=[])
plan = plan_index(settings)  # what `coach index` does first
summary = plan.summary
if summary is None:
    from bot.index import run_plan
    summary = run_plan(settings, plan)
loaded = {name: name in sys.modules for name in ("chromadb", "numpy")}
print(json.dumps({"added": summary.added, "unchanged": summary.unchanged, **loaded}))
"""


def _index_in_subprocess(data_dir: Path, playbook: Path) -> dict[str, object]:
    args = [sys.executable, "-c", SCRIPT, str(data_dir), str(playbook)]
    out = subprocess.run(args, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_an_unchanged_playbook_is_skipped_from_its_manifest(tmp_path: Path, playbook_dir: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=playbook_dir, knowledge_dirs=[])
    first = index_knowledge(settings)
    assert first.added > 0
    again = _index_in_subprocess(settings.data_dir, playbook_dir)
    assert again == {"added": 0, "unchanged": first.chunks, "chromadb": False, "numpy": False}  # not even imported
    write_doc(playbook_dir, "extra.md", "governance", "Extra", "## Note\n\nA new note on audit logs.")
    changed = _index_in_subprocess(settings.data_dir, playbook_dir)
    assert changed["added"] == 1 and changed["chromadb"] is True


def test_a_filtered_dense_search_equals_chromas_own_filter(settings: Settings, docs_dir: Path) -> None:
    for n in range(12):  # enough chunks outside the filter that the wide search must skip some
        write_doc(docs_dir, f"more{n}.md", "workflow_adoption", f"More {n}", f"## Part\n\nAdoption note {n}.")
    index = open_index(settings)
    index.sync(iter_documents(docs_dir))
    query = "who reviews the audit trail before launch"
    for dims in (["governance"], ["governance", "data_pipeline"], ["workflow_adoption"]):
        ours = [p.chunk_id for p in index.search(query, k=3, dimension=dims, mode="dense")]
        where = {"dimension": dims[0]} if len(dims) == 1 else {"dimension": {"$in": dims}}
        vector = get_embedder().embed([query])
        chroma = index._collection.query(query_embeddings=vector, n_results=3, where=where, include=[])
        assert ours == chroma["ids"][0][: len(ours)] and ours, dims


def _rows(n: int, prefix: str) -> list[tuple[str, str, dict[str, object], str]]:
    meta = {"source": f"{prefix}.md", "dimension": "governance", "title": prefix, "section_title": "s"}
    texts = [f"{TEXTS[i % len(TEXTS)]} note {prefix} {i}" for i in range(n)]
    return [(f"{prefix}-{i}", t, {**meta, "section": str(i)}, t) for i, t in enumerate(texts)]


def test_a_bulk_write_by_another_process_is_followed_like_a_fresh_load(tmp_path: Path) -> None:
    writer, reader = LexicalStore(tmp_path / "a.sqlite3"), LexicalStore(tmp_path / "a.sqlite3")
    writer.write(_rows(10, "small"), [], {"small.md": "1"}, "r1")
    assert [r.chunk_id for r, _ in reader.top("audit trail", 3)]  # the reader has loaded the first rows
    writer.write(_rows(300, "bulk"), ["small-1", "small-2"], {"bulk.md": "2"}, "r2")  # the bulk path
    fresh = LexicalStore(tmp_path / "a.sqlite3")
    for query in ["audit trail", "budget owner note bulk 17", "pilot"]:
        followed = [(r.chunk_id, round(s, 5)) for r, s in reader.top(query, 20)]
        assert followed == [(r.chunk_id, round(s, 5)) for r, s in fresh.top(query, 20)], query
    assert reader.count() == fresh.count() == 308


def test_a_repeated_search_embeds_its_query_once(settings: Settings, docs_dir: Path) -> None:
    counting = VersionedCounting()
    index = open_index(settings, embedder=counting)
    write_doc(docs_dir, "budget.md", "roi_ownership", "Budget", "## Owner\n\nThe pilot budget has a named owner.")
    index.sync(iter_documents(docs_dir))
    counting.texts.clear()
    first = index.search("who owns the pilot budget", k=3)
    again = index.search("Who owns the  pilot budget", k=3, mode="dense")
    assert counting.texts == ["who owns the pilot budget"]
    fresh = index.search("who owns the pilot budget", k=3, mode="dense")
    assert [p.chunk_id for p in again] == [p.chunk_id for p in fresh]
    assert first and first[0].source == "budget.md"


KILLED_SYNC = """
import os, signal, sys
from pathlib import Path
from bot.config import Settings
from bot.index import open_index
from bot.knowledge import iter_documents
calls = []
def progress(done, total):  # called after each Chroma insert, before the group is committed
    calls.append(done)
    if len(calls) == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)  # no exception, no cleanup: the process is gone
settings = Settings(data_dir=Path(sys.argv[1]), knowledge_dir=Path(sys.argv[2]), knowledge_dirs=[])
open_index(settings).sync(iter_documents(Path(sys.argv[2])), progress=progress, manifest="m", group_chunks=2)
"""


FIRST_GROUPS = {"governance.md", "overview.md", "owner.md"}  # two groups at two chunks a group


def _more_docs(folder: Path) -> None:
    for n in range(3):  # two sections each: a group of its own at two chunks a group
        body = f"## Owner\n\nStep {n} has a named owner.\n\n## Budget\n\nStep {n} has a budget line."
        write_doc(folder, f"step{n}.md", "roi_ownership", f"Step {n}", body)


def _state(index: PlaybookIndex) -> tuple[set[str], dict[str, list[tuple[str, float]]], dict[str, str]]:
    """Chroma's ids, the lexical results and the recorded document hashes of an index."""
    ids = set(index._collection.get(include=[])["ids"])
    return ids, _lexical(index), index.store.doc_hashes()


def test_a_sync_killed_part_way_leaves_a_consistent_index_that_the_next_sync_finishes(
    settings: Settings, docs_dir: Path, tmp_path: Path
) -> None:
    _more_docs(docs_dir)
    args = [sys.executable, "-c", KILLED_SYNC, str(settings.data_dir), str(docs_dir), "6"]
    died = subprocess.run(args, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert died.returncode == -9, died.stderr  # killed after the third group reached Chroma, uncommitted
    counting = CountingEmbedder()
    reopened = open_index(settings, embedder=counting)
    ids, _, recorded = _state(reopened)
    assert ids == set(reopened.store.sources_by_id()) and reopened.store.get("writing") == ""
    assert set(recorded) == FIRST_GROUPS and reopened.store.get("manifest") == ""  # not the whole sync
    summary = reopened.sync(iter_documents(docs_dir), manifest="m", group_chunks=2)
    everything = open_index(Settings(data_dir=tmp_path / "fresh", knowledge_dir=docs_dir, knowledge_dirs=[]))
    everything.sync(iter_documents(docs_dir))
    assert _state(reopened) == _state(everything) and reopened.store.get("manifest") == "m"
    assert summary.embedded == summary.added == len(counting.texts) == everything.count() - len(ids)


def test_a_sync_that_raises_part_way_is_repaired_by_the_same_index(
    settings: Settings, docs_dir: Path, tmp_path: Path
) -> None:
    _more_docs(docs_dir)
    index = open_index(settings)

    calls: list[int] = []

    def interrupt(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 6:  # the third group's vectors are in Chroma, not yet committed
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.sync(iter_documents(docs_dir), progress=interrupt, group_chunks=2)
    assert index.store.get("writing") == "1" and set(index.store.doc_hashes()) == FIRST_GROUPS
    assert index.count() == index._collection.count() == len(index.store.sources_by_id())  # repaired first
    index.sync(iter_documents(docs_dir), group_chunks=2)
    everything = open_index(Settings(data_dir=tmp_path / "fresh", knowledge_dir=docs_dir, knowledge_dirs=[]))
    everything.sync(iter_documents(docs_dir))
    assert _state(index) == _state(everything)


def test_an_embedded_chroma_keeps_only_what_its_filter_and_a_rebuild_read(settings: Settings, docs_dir: Path) -> None:
    index = open_index(settings)
    index.sync(iter_documents(docs_dir))
    held = index._collection.get(include=["metadatas"])
    assert held["metadatas"] and all(set(meta) == {"source", "dimension"} for meta in held["metadatas"])
    hit = index.search("audit trail of prompts", k=1, dimension="governance")[0]  # the rest from the lexical store
    assert f"{hit.source} {hit.title} / {hit.section} ({hit.dimension})" == (
        "governance.md Governance and guardrails / what-goes-wrong (governance)"
    )


def test_a_collection_written_with_full_metadata_still_opens_and_syncs(settings: Settings, docs_dir: Path) -> None:
    index = open_index(settings)
    index.sync(iter_documents(docs_dir))
    ids = index._collection.get(include=[])["ids"]
    rows = index.store.by_ids(ids)
    index._collection.update(ids=ids, metadatas=[rows[cid].meta for cid in ids])  # as earlier versions wrote it
    expected = {q: [(p.chunk_id, p.score) for p in index.search(q, k=5)] for q in QUERIES}
    reopened = open_index(settings)
    assert {q: [(p.chunk_id, p.score) for p in reopened.search(q, k=5)] for q in QUERIES} == expected
    write_doc(docs_dir, "owner.md", "roi_ownership", "Business owner and ROI", "## Who pays\n\nThe CFO pays.")
    summary = reopened.sync(iter_documents(docs_dir))
    assert (summary.added, summary.removed) == (1, 1)
    assert reopened.search("who pays", k=1, dimension="roi_ownership")[0].text == "The CFO pays."


def test_a_lost_lexical_store_is_rebuilt_from_chroma_and_the_next_sync_restores_it(
    settings: Settings, docs_dir: Path
) -> None:
    index = open_index(settings)
    index.sync(iter_documents(docs_dir))
    expected = {q: [(p.chunk_id, p.score, p.title) for p in index.search(q, k=5)] for q in QUERIES}
    index.close()
    for path in lexical_path(settings).parent.glob(lexical_path(settings).name + "*"):
        path.unlink()
    rebuilt = open_index(settings)  # Chroma keeps no texts or titles: rows are blank until the next sync
    assert rebuilt.count() == index._collection.count()
    assert rebuilt.search("audit trail", k=1, mode="dense")[0].source  # searchable meanwhile
    rebuilt.sync(iter_documents(docs_dir))
    assert {q: [(p.chunk_id, p.score, p.title) for p in rebuilt.search(q, k=5)] for q in QUERIES} == expected
