"""Chroma's insert alone: a bare `collection.add` of the retrieval bench's corpus under given HNSW settings.

Run: .venv/bin/python benchmarks/bench_chroma_insert.py --size 20000 --hnsw '{"ef_construction": 64}' [--meta slim]
Prints one JSON object: insert wall and CPU seconds, recall@20 of 50 composed query vectors at
ef_search 64, 96 and 128 (with each beam's ms per query), disk and peak RSS. No lexical store and
none of the index's own code: this screens Chroma's settings (issue 15's 100k insert). The sentence
pool's vectors are embedded once and kept in --cache.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_corpus import Nearest, Synthetic, composed_vectors, synthetic  # noqa: E402
from bot.chunking import Chunk  # noqa: E402
from bot.index_writes import CHROMA_KEYS  # noqa: E402


def _metas(chunks: list[Chunk], kind: str) -> list[dict[str, Any]] | None:
    if kind == "none":
        return None
    metas = [c.metadata() for c in chunks]
    return metas if kind == "full" else [{k: m[k] for k in CHROMA_KEYS} for m in metas]


def _pool_vectors(size: int, pool: list[str], cache: Path) -> np.ndarray:
    path = cache / f"pool{size}.npy"
    if path.exists():
        return np.load(path)
    from bot.embeddings import get_embedder

    vectors = get_embedder().embed(pool)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def _recall(col: Any, nearest: Nearest) -> dict[int, tuple[float, float]]:
    out = {}
    for ef in (64, 96, 128):
        col.modify(configuration={"hnsw": {"ef_search": ef}})
        found, start = 0, time.perf_counter()
        for qv, truth in zip(nearest.queries, nearest.ids, strict=True):
            got = col.query(query_embeddings=qv[None, :], n_results=20, include=[])
            found += len(set(got["ids"][0]) & set(truth))
        ms = (time.perf_counter() - start) * 1000 / len(nearest.queries)
        out[ef] = (round(found / (20 * len(nearest.queries)), 4), round(ms, 2))
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Insert the corpus into a new collection with the given settings; returns the figures."""
    import chromadb

    rng, pool = synthetic(args.size, 1000)
    pool_vectors = _pool_vectors(args.size, pool, Path(args.cache))
    picks = [rng.sample(range(len(pool)), 3) for _ in range(50)]  # as bench_retrieval draws them
    nearest = Nearest(composed_vectors(picks, pool_vectors, np.random.default_rng(1)))
    row: dict[str, Any] = {"size": args.size, "hnsw": args.hnsw, "meta": args.meta, "batch": args.batch}
    row["load_avg_1m"] = round(os.getloadavg()[0], 2)
    wall = cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.inflight) as adds:
        client = chromadb.PersistentClient(path=tmp)
        config = {"hnsw": {"space": "cosine", **json.loads(args.hnsw)}}
        col = client.get_or_create_collection("bench", configuration=config)  # type: ignore[arg-type]
        for chunks, vectors in Synthetic(args.size, pool, pool_vectors, np.random.default_rng(args.size)).slices(
            10_000
        ):
            start, used = time.perf_counter(), time.process_time()
            steps = range(0, len(chunks), args.batch)
            batches = [(chunks[i : i + args.batch], vectors[i : i + args.batch]) for i in steps]
            for done in [adds.submit(col.add, ids=[c.id for c in b], embeddings=v, metadatas=_metas(b, args.meta))
                         for b, v in batches]:  # fmt: skip
                done.result()
            wall, cpu = wall + time.perf_counter() - start, cpu + time.process_time() - used
            nearest.add(vectors, [c.id for c in chunks])
        row["insert_s"], row["insert_cpu_s"] = round(wall, 2), round(cpu, 2)
        row["recall20_and_ms_by_ef_search"] = _recall(col, nearest)
        row["disk_mb"] = round(sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 2**20, 1)
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def main() -> None:
    """Parse the options, run once, print JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--hnsw", default='{"ef_construction": 64, "ef_search": 200, "num_threads": 2}')
    parser.add_argument("--meta", choices=["full", "slim", "none"], default="slim", help="slim: what the index stores")
    parser.add_argument("--batch", type=int, default=2048)
    parser.add_argument("--inflight", type=int, default=1, help="adds running at once (threads)")
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "bench-chroma-insert"))
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
