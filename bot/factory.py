"""Builds a Coach from settings: the one place the pieces are wired together."""

from __future__ import annotations

from bot.config import Settings
from bot.embeddings import get_embedder
from bot.engine.fallback import build_engine
from bot.engine.offline import OfflineEngine
from bot.index import open_index
from bot.knowledge import load_knowledge
from bot.prompts import load_prompts
from bot.reading.reader import get_reader
from bot.service import Coach
from bot.store import open_store


def build_coach(settings: Settings) -> Coach:
    """Open the store, the index and the engine named in the settings."""
    knowledge = load_knowledge(settings.knowledge_dir, settings.knowledge_dirs)
    store = open_store(settings)
    index = open_index(settings)
    offline = OfflineEngine(knowledge.rubric, get_embedder().embed, get_reader())
    prompts = load_prompts(settings.prompts_dir)
    engine = build_engine(settings, offline, prompts, recorder=store)
    return Coach(settings, knowledge, store, index, engine, prompts.version, offline.reader_version)
