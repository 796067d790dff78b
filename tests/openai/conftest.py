"""Fixtures for the OpenAI engine tests: fake server, prompts, rubric, real offline engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.engine.offline import OfflineEngine
from bot.index import Passage
from bot.knowledge import Rubric, load_rubric
from bot.prompts import PromptSet, load_prompts
from tests.openai.fake_openai import fake_openai  # noqa: F401  (the fixture)
from tests.openai.recorders import InMemoryUsageRecorder


@pytest.fixture(scope="session")
def prompts() -> PromptSet:
    """The project's prompt files."""
    return load_prompts(PROJECT_ROOT / "prompts")


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    """The project's rubric."""
    return load_rubric(PROJECT_ROOT / "knowledge" / "rubric.yaml")


@pytest.fixture(scope="session")
def offline(rubric: Rubric) -> OfflineEngine:
    """The real offline engine (local embeddings, the shipped reader)."""
    from bot.embeddings import get_embedder
    from bot.reading.reader import get_reader

    return OfflineEngine(rubric, get_embedder().embed, get_reader())


@pytest.fixture
def recorder() -> InMemoryUsageRecorder:
    """Usage records kept in memory."""
    return InMemoryUsageRecorder()


def openai_settings(tmp_path: Path, base_url: str, **overrides: object) -> Settings:
    """Settings for the OpenAI engine against a local server, with tiny timeouts."""
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "engine": "openai",
        "openai_api_key": "sk-test-not-a-real-key",
        "openai_base_url": base_url,
        "model": "gpt-4o-mini",
        "llm_timeout": 0.5,
        "llm_max_retries": 2,
        "llm_max_tokens": 300,
        "llm_json_mode": "json_schema",  # tests of `auto` set it themselves
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def passage(text: str, source: str, section: str = "", dimension: str = "") -> Passage:
    """A retrieved passage as the index would return it."""
    title = source.removesuffix(".md").replace("_", " ")
    return Passage(
        text=text,
        source=source,
        section=section,
        section_title=section.replace("-", " "),
        title=title,
        dimension=dimension,
        score=1.0,
        chunk_id=f"{source}#{section}",
    )


PASSAGES = [
    passage(
        "About 80% of enterprise AI initiatives quietly disappear between pilot and production.",
        "overview.md",
        "the-gap",
    ),
    passage(
        "Bring risk, compliance and security in before the next milestone: a 90-minute "
        "conversation in week one costs less than a 90-day remediation cycle in month nine.",
        "this_week.md",
        "bring-risk-in-early",
        "governance",
    ),
    passage(
        "Drift monitoring, an evaluation harness, a rollback path and on-call belong in place "
        "before the first production user touches the model.",
        "mlops_observability.md",
        "before-scale",
        "mlops_observability",
    ),
]
