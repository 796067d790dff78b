"""A real coach over the real playbook (SQLite, embedded Chroma, offline engine) for document tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.factory import build_coach, create_app
from bot.service import Coach


@pytest.fixture(scope="module")
def doc_settings(indexed_settings: Settings) -> Settings:
    """The indexed playbook, rate limiting out of the way."""
    return indexed_settings.model_copy(update={"rate_limit_per_minute": 1_000_000})


@pytest.fixture(scope="module")
def coach(doc_settings: Settings) -> Coach:
    return build_coach(doc_settings)


@pytest.fixture
def client(doc_settings: Settings, coach: Coach) -> Iterator[TestClient]:
    """An app with no API keys (owner `local`), 500s returned as responses."""
    app = create_app(doc_settings, coach)
    with TestClient(app, raise_server_exceptions=False, base_url="http://localhost") as c:
        yield c
