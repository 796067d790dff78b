"""Each area's playbook citations kept on disk, so a cold `coach assess` neither loads the vector
store nor re-embeds the rubric.

A report cites, for every gap, the passages found for the area's own text (its title and summary):
a search whose query comes from the rubric and whose result only changes with the index. The
cache is keyed by everything that result depends on: the embedding model, the rubric's version
and the query texts, where the index lives, and the files the index is built from (their names,
sizes and modification times). Any change is a miss, and a miss searches the index as before.
`coach index` clears it too, since a re-index may change passages without a file changing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.models import Citation

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.knowledge import Rubric

log = logging.getLogger(__name__)
FILE_NAME = "citations.json"
EMBEDDING_MODEL = "all-MiniLM-L6-v2-int8"  # bot.embeddings.MODEL_NAME (not imported: that loads chromadb)


def query_for(title: str, summary: str) -> str:
    """The search an area's citations come from."""
    return f"{title}: {summary}"


def _files(folders: list[Path]) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every file the index is built from."""
    out = []
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                out.append((path, st.st_size, st.st_mtime_ns))
    return out


def cache_key(settings: Settings, rubric: Rubric, model: str = EMBEDDING_MODEL) -> str:
    """What the areas' citations depend on, hashed."""
    parts = {
        "model": model,
        "rubric": rubric.version,
        "queries": [query_for(d.title, d.summary) for d in rubric.dimensions],
        "index": [str(settings.chroma_path.resolve()), settings.collection],
        "files": _files([settings.knowledge_dir, *settings.knowledge_dirs]),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class CitationCache:
    """Citations per area in one JSON file under the data dir, valid for one key."""

    def __init__(self, path: Path, key: Callable[[], str]) -> None:
        self.path, self._key = path, key  # the key is worked out on first use (it stats the sources)
        self._lock = threading.Lock()
        self._kept: dict[str, list[Citation]] | None = None

    @classmethod
    def for_settings(cls, settings: Settings, rubric: Rubric) -> CitationCache | None:
        """The cache of the settings' data dir; None with a Chroma server (its index is not ours to key)."""
        if settings.chroma_url:
            return None
        return cls(settings.data_dir / "cache" / FILE_NAME, lambda: cache_key(settings, rubric))

    @cached_property
    def key(self) -> str:
        """The hash the kept citations must have been written under."""
        return self._key()

    def get(self, dimension: str) -> list[Citation] | None:
        """The area's citations, when kept under this key."""
        with self._lock:
            return self._load().get(dimension)

    def put(self, dimension: str, citations: list[Citation]) -> None:
        """Keep the area's citations (written at once; a failed write only costs a search next time)."""
        with self._lock:
            kept = self._load()
            kept[dimension] = citations
            data = {"key": self.key, "dimensions": {d: [c.model_dump() for c in cs] for d, cs in kept.items()}}
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_text(json.dumps(data), encoding="utf-8")
                tmp.replace(self.path)
            except OSError as exc:
                log.warning("could not write the citation cache %s: %s", self.path, exc)

    def _load(self) -> dict[str, list[Citation]]:
        if self._kept is None:
            self._kept = {}
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("key") == self.key:
                    self._kept = {d: [Citation.model_validate(c) for c in cs] for d, cs in data["dimensions"].items()}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                pass  # missing or unreadable: searched again and rewritten
        return self._kept


def clear(settings: Settings) -> None:
    """Forget every kept citation (after a re-index)."""
    (settings.data_dir / "cache" / FILE_NAME).unlink(missing_ok=True)
