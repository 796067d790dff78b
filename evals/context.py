"""The eval run's coach(es): built once, in an isolated data dir, with the playbook indexed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Literal

import numpy as np

from bot.chunking import chunk_document
from bot.config import Settings
from bot.embeddings import ReadinessEmbeddingFunction
from bot.factory import build_coach
from bot.index import index_knowledge, open_index
from bot.knowledge import load_knowledge
from bot.models import GroundedAnswer
from bot.service import Coach
from evals.gaps import CASES

INJECTED_DOCS = CASES / "injected_docs"
Engine = Literal["offline", "openai"]


def isolated(settings: Settings, data_dir: Path, engine: Engine, **extra: object) -> Settings:
    """The user's settings with a private data dir, embedded Chroma, SQLite and the engine."""
    update: dict[str, object] = {
        "data_dir": data_dir,
        "knowledge_dirs": [],
        "chroma_url": None,
        "database_url": None,
        "engine": engine,
        "scheduler_enabled": False,
        # evals measure the model itself: an open circuit breaker would hand later cases to the
        # offline reader and blend two engines into one figure
        "llm_breaker_failures": 1_000_000,
    }
    update.update(extra)
    return settings.model_copy(update=update)


def seed_from(source: Settings, target: Settings) -> int:
    """Copy the playbook's stored vectors into another data dir's index (no re-embedding)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(
        path=str(source.chroma_path), settings=ChromaSettings(anonymized_telemetry=False)
    )
    ef = ReadinessEmbeddingFunction()
    got = client.get_collection(source.collection, embedding_function=ef).get(  # type: ignore[arg-type]
        include=["embeddings"]
    )
    embeddings = got["embeddings"] if got["embeddings"] is not None else []
    vectors = dict(zip(got["ids"], embeddings, strict=True))
    docs = load_knowledge(source.knowledge_dir).documents
    chunks = [c for d in docs for c in chunk_document(d) if c.id in vectors]
    if chunks:
        open_index(target).add_chunks(chunks, embeddings=np.array([vectors[c.id] for c in chunks]))
    return len(chunks)


class EvalContext:
    """Lazily built coaches for one eval run, plus a per-run cache of grounded answers."""

    def __init__(self, settings: Settings, engine: Engine = "offline") -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="coach-eval-"))
        self.engine: Engine = engine
        self.settings = isolated(settings, self.workdir / "main", engine)
        self._coach: Coach | None = None
        self._doc_coach: Coach | None = None
        self._answers: dict[str, GroundedAnswer] = {}

    def coach(self) -> Coach:
        """The coach over the playbook alone (indexed on first use)."""
        if self._coach is None:
            index_knowledge(self.settings)
            self._coach = build_coach(self.settings)
        return self._coach

    def doc_coach(self) -> Coach:
        """A second coach whose knowledge folders include the injected documents."""
        if self._doc_coach is None:
            cfg = isolated(self.settings, self.workdir / "docs", self.engine, knowledge_dirs=[INJECTED_DOCS])
            seed_from(self.coach().settings, cfg)
            index_knowledge(cfg)  # embeds only the injected documents
            self._doc_coach = build_coach(cfg)
        return self._doc_coach

    def ask(self, question: str) -> GroundedAnswer:
        """The main coach's answer, asked once per run (grounded and offtopic share it)."""
        if question not in self._answers:
            self._answers[question] = self.coach().ask(question)
        return self._answers[question]

    def new_run(self) -> None:
        """Forget cached answers so the next run asks the engine again."""
        self._answers.clear()

    def close(self) -> None:
        """Close the stores and delete the private data dir."""
        for coach in (self._coach, self._doc_coach):
            if coach is not None:
                coach.store.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
