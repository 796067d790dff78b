"""Shared fixtures: settings in a temporary data dir, and the real playbook indexed once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.config import PROJECT_ROOT, Settings
from bot.index import index_knowledge


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings isolated from the developer's environment: embedded Chroma, real playbook."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "knowledge_dir": PROJECT_ROOT / "knowledge",
        "knowledge_dirs": [],
        "chroma_url": None,
        "database_url": None,
        "engine": "offline",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh data dir per test (nothing indexed)."""
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose index holds the real `knowledge/` playbook, built once per session."""
    settings = make_settings(tmp_path_factory.mktemp("indexed") / "data")
    index_knowledge(settings)
    return settings


def cli_on(data_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The `coach` CLI over a test's data dir and database, with no API keys set."""
    from bot.cli import _register_all

    monkeypatch.setenv("COACH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COACH_DATABASE_URL", database_url)
    monkeypatch.delenv("COACH_API_KEYS", raising=False)
    _register_all()
    return CliRunner()
