"""The API docs in headless chromium with every other origin blocked, as on an offline machine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser
# ReDoc's sidebar shows Redocly's logo from its CDN, hidden again when it fails to load
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# page -> (the element the UI renders into, what it may ask of other origins)
PAGES = {"/docs": (".swagger-ui", []), "/redoc": ("redoc", [REDOC_LOGO])}


def local_only(base_url: str, elsewhere: list[str]) -> Callable[[Any], None]:
    """A route handler that lets requests to the app through, and records and aborts the rest."""

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(base_url + "/"):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    return handle


@pytest.mark.parametrize(("path", "expected"), PAGES.items())
def test_docs_render_offline(page: Any, base_url: str, path: str, expected: tuple[str, list[str]]) -> None:
    root, allowed = expected
    elsewhere: list[str] = []
    page.route("**/*", local_only(base_url, elsewhere))
    page.goto(base_url + path)
    ui = page.locator(root)
    ui.get_by_text("/v1/sessions", exact=True).first.wait_for()
    assert "Readiness Coach" in ui.locator("h1, h2").first.inner_text()
    page.wait_for_load_state("networkidle")
    assert set(elsewhere) <= set(allowed), elsewhere
    assert len(page.console_errors) <= len(elsewhere), page.console_errors  # one per blocked request
