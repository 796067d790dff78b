"""Browser fixtures: a real uvicorn server on 127.0.0.1 and Debian's chromium via Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.factory import create_app
from bot.service import Coach
from tests.api.conftest import api_settings, coach  # noqa: F401  (shared fixtures)
from tests.api.server import serve_in_thread

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> Path:
    """COACH_TEST_CHROMIUM, else Debian's /usr/bin/chromium."""
    return Path(os.environ.get("COACH_TEST_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless chromium driven by Playwright (skipped when either is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    path = chromium_path()
    if not path.exists():
        pytest.skip(f"no chromium at {path}: apt-get install chromium or set COACH_TEST_CHROMIUM")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(path), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def base_url(api_settings: Settings, coach: Coach) -> Iterator[str]:  # noqa: F811
    """The app (no API keys) served by uvicorn for the whole browser session."""
    with serve_in_thread(create_app(api_settings, coach)) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (empty localStorage) with downloads allowed."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
