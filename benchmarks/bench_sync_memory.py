"""Peak memory of `PlaybookIndex.sync` over a wiki-sized folder: the product's own path (chunking,
vectors, Chroma and the lexical store), with the model's work left out.

Run: .venv/bin/python benchmarks/bench_sync_memory.py --size 20000 --json
The documents (ten one-chunk sections each) are built first and held, as `coach index` holds what it
read. A chunk's vector is the normalised sum of its sentences' real MiniLM vectors (a pool of 1,000
sentences embedded once), so 100k chunks sync in minutes rather than hours; the real embedding's
memory is `bench_embed_memory.py`'s. Each `--groups` value runs in its own subprocess, so each peak
is its own: `whole` writes the sync as one group, as before groups existed; `default` calls `sync`
as `coach index` does (also on a tree from before groups, to compare).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_corpus import documents, synthetic  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.embeddings import get_embedder  # noqa: E402
from bot.index import open_index  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=\.) ")


class PoolEmbedder:
    """Vectors of chunk texts made of pool sentences, from the sentences' real vectors."""

    def __init__(self, pool: list[str], vectors: np.ndarray) -> None:
        self._row = {sentence: i for i, sentence in enumerate(pool)}
        self._vectors = vectors

    def embed(self, texts: list[str]) -> np.ndarray:
        """One vector per text: the normalised sum of its pool sentences' vectors."""
        out = np.zeros((len(texts), self._vectors.shape[1]), dtype=np.float32)
        for i, text in enumerate(texts):
            body = text.split("\n\n", 1)[-1]
            out[i] = self._vectors[[self._row[s] for s in _SENTENCE_END.split(body)]].sum(axis=0)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _reset_peak() -> None:
    """Start VmHWM again from the resident size now (Linux), so the sync's own peak is read apart."""
    Path("/proc/self/clear_refs").write_text("5")


def run_one(size: int, group_chunks: int) -> dict[str, Any]:
    """Sync `size` chunks in groups of `group_chunks` (0: as `sync` does by default); the figures as a dict."""
    _, pool = synthetic(size, 1000)
    embedder = PoolEmbedder(pool, get_embedder().embed(pool))
    docs = list(documents(size, pool))
    row: dict[str, Any] = {"size": size, "group_chunks": group_chunks, "peak_before_sync_mb": _status_mb("VmHWM")}
    with tempfile.TemporaryDirectory() as tmp:
        index = open_index(Settings(data_dir=Path(tmp), knowledge_dirs=[]), embedder=embedder)
        row["rss_before_sync_mb"] = _status_mb("VmRSS")
        _reset_peak()
        start, cpu = time.perf_counter(), time.process_time()
        summary = index.sync(docs, **({"group_chunks": group_chunks} if group_chunks else {}))
        row["sync_seconds"] = round(time.perf_counter() - start, 2)
        row["sync_cpu_seconds"] = round(time.process_time() - cpu, 2)
        row["sync_peak_rss_mb"], row["rss_after_sync_mb"] = _status_mb("VmHWM"), _status_mb("VmRSS")
        row["sync_added_to_peak_mb"] = round(row["sync_peak_rss_mb"] - row["rss_before_sync_mb"], 1)
        row["chunks"], row["embedded"] = summary.chunks, summary.embedded
        index.close()
    return row


def main() -> None:
    """Run each grouping in a fresh subprocess; print one JSON object with --json, else one row each."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000, help="chunks (ten per document)")
    parser.add_argument("--groups", default="whole,default", help="group sizes in chunks, whole (one) or default")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--one", type=int, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    rows = []
    for group in args.groups.split(","):
        chunks = {"whole": 10**9, "default": 0}.get(group, 0) if not group.isdigit() else int(group)
        cmd = [sys.executable, __file__, "--one", str(args.size), str(chunks)]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(f"done {group}: {rows[-1]}", file=sys.stderr)
    print(json.dumps({"runs": rows}) if args.json else "\n".join(json.dumps(r) for r in rows))


if __name__ == "__main__":
    main()
