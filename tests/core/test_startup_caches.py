"""Start-up caches: the areas' citations kept on disk (used, and invalidated), the quick schema check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.citation_cache import EMBEDDING_MODEL, FILE_NAME, CitationCache, cache_key
from bot.config import Settings
from bot.factory import LazyIndex, build_coach
from bot.models import Citation
from bot.reading.judge import read_statements
from bot.reading.reader import get_reader
from bot.store.migrations.runner import head_revision, quick_head
from tests.conftest import make_settings

WRITE_UP = (
    "Our support assistant drafts replies for 40 agents. Nobody owns the budget after the pilot. "
    "It runs on a CSV export refreshed by hand every week. There has been no security review."
)


@pytest.fixture
def copied(indexed_settings: Settings, tmp_path: Path) -> Settings:
    """A data dir of its own holding a copy of the indexed playbook (real Chroma files and the
    lexical store beside them, which holds the passages' texts)."""
    shutil.copytree(indexed_settings.chroma_path, tmp_path / "data" / "chroma")
    shutil.copytree(indexed_settings.data_dir / "lexical", tmp_path / "data" / "lexical")
    return make_settings(tmp_path / "data")


def citations_of(report) -> dict[str, list[Citation]]:  # type: ignore[no-untyped-def]
    return {g.dimension: g.citations for g in report.gaps}


def test_a_cold_assessment_takes_its_citations_from_the_cache_without_opening_the_index(copied: Settings) -> None:
    first = build_coach(copied, lazy=True)
    searched = citations_of(first.assess_text(WRITE_UP))
    assert searched and all(searched.values())
    kept = json.loads((copied.data_dir / "cache" / FILE_NAME).read_text())
    assert set(searched) <= set(kept["dimensions"])

    second = build_coach(copied, lazy=True)  # as the next `coach assess` process builds it
    assert citations_of(second.assess_text(WRITE_UP)) == searched
    assert isinstance(second.index, LazyIndex) and second.index._index is None  # Chroma never opened


def test_an_unreadable_cache_file_is_searched_again_and_rewritten(copied: Settings) -> None:
    path = copied.data_dir / "cache" / FILE_NAME
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    coach = build_coach(copied, lazy=True)
    assert citations_of(coach.assess_text(WRITE_UP))
    assert coach.index._index is not None
    assert json.loads(path.read_text())["key"] == cache_key(copied, coach.rubric)


def test_a_new_rubric_version_invalidates_the_kept_citations(copied: Settings) -> None:
    rubric = build_coach(copied, lazy=True).rubric
    old = CitationCache(copied.data_dir / "cache" / FILE_NAME, lambda: cache_key(copied, rubric))
    old.put("data", [Citation(source="data.md", section="warning-signs")])
    assert CitationCache(old.path, lambda: cache_key(copied, rubric)).get("data") is not None

    newer = rubric.model_copy(update={"version": rubric.version + "-next"})
    assert cache_key(copied, newer) != cache_key(copied, rubric)
    assert CitationCache(old.path, lambda: cache_key(copied, newer)).get("data") is None


def test_a_changed_playbook_file_or_another_index_changes_the_key(copied: Settings, tmp_path: Path) -> None:
    rubric = build_coach(copied, lazy=True).rubric
    playbook = tmp_path / "knowledge"
    shutil.copytree(copied.knowledge_dir, playbook)
    before = cache_key(copied.model_copy(update={"knowledge_dir": playbook}), rubric)
    page = next(playbook.glob("*.md"))
    page.write_text(page.read_text() + "\nOne more line.\n")
    assert cache_key(copied.model_copy(update={"knowledge_dir": playbook}), rubric) != before
    assert cache_key(copied.model_copy(update={"collection": "other"}), rubric) != cache_key(copied, rubric)


def test_the_cache_names_the_embedding_model_the_index_uses() -> None:
    from bot.embeddings import MODEL_NAME

    assert EMBEDDING_MODEL == MODEL_NAME


def test_no_cache_with_a_chroma_server(settings: Settings) -> None:
    rubric = build_coach(settings, lazy=True).rubric
    served = make_settings(settings.data_dir, chroma_url="http://127.0.0.1:9")
    assert CitationCache.for_settings(served, rubric) is None


def test_the_quick_schema_check_finds_alembics_head() -> None:
    assert quick_head() == head_revision()


def test_remembered_readings_equal_fresh_ones() -> None:
    from bot.models import Statement
    from bot.reading import judge as reading

    statements = [Statement(text=WRITE_UP, author="a", topic="data"), Statement(text="We have evals.", topic="mlops")]
    reader = get_reader()
    first = read_statements(reader, statements)
    again = read_statements(reader, statements[::-1])
    fresh = [c for part in reading._read_each(reader, statements) for c in part]
    assert first == fresh
    assert again == [c for part in reading._read_each(reader, statements[::-1]) for c in part]
