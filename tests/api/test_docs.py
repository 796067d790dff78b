"""/docs and /redoc work offline: Swagger UI and ReDoc come from this server, never from a CDN."""

from __future__ import annotations

import re
import sys

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.factory import create_app
from bot.service import Coach
from tests.api.conftest import LOCAL, client_for
from tests.api.test_errors import error_of

ASSET = re.compile(r'(?:src|href)="([^"]*)"')
CONTENT_TYPES = {"js": "text/javascript", "css": "text/css", "png": "image/png"}
PAGES = {"/docs": {"js", "css", "png"}, "/redoc": {"js", "png"}}


def assets_of(html: str) -> list[str]:
    """Every script, stylesheet and icon URL a page loads."""
    return ASSET.findall(html)


@pytest.mark.parametrize(("path", "kinds"), PAGES.items())
def test_docs_load_only_local_assets(client: TestClient, path: str, kinds: set[str]) -> None:
    resp = client.get(path)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    assert "cdn.jsdelivr" not in resp.text and not re.search(r"https?://", resp.text)
    assert "'/openapi.json'" in resp.text or '"/openapi.json"' in resp.text
    assets = assets_of(resp.text)
    assert {a.rsplit(".", 1)[-1] for a in assets} == kinds
    for url in assets:
        assert url.startswith("/docs-assets/"), url
        served = client.get(url)
        assert served.status_code == 200 and served.content, url
        assert served.headers["content-type"].startswith(CONTENT_TYPES[url.rsplit(".", 1)[-1]]), url


def test_openapi_still_served_without_the_docs_routes(client: TestClient) -> None:
    resp = client.get("/openapi.json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    assert "/v1/sessions" in paths
    assert not [p for p in paths if p.startswith(("/docs", "/redoc"))]


def test_oauth2_redirect_page_is_local(client: TestClient) -> None:
    resp = client.get("/docs/oauth2-redirect")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://", resp.text)


def test_docs_need_no_key_as_before(keyed_settings: Settings, coach: Coach) -> None:
    with client_for(keyed_settings, coach) as client:
        for path in [*PAGES, "/docs/oauth2-redirect", "/openapi.json"]:
            page = client.get(path)
            assert page.status_code == 200, path
            assert all(client.get(url).status_code == 200 for url in assets_of(page.text)), path


def test_docs_behind_a_path_prefix(api_settings: Settings, coach: Coach) -> None:
    with TestClient(create_app(api_settings, coach), root_path="/coach", base_url=LOCAL) as client:
        for path in PAGES:
            page = client.get(f"/coach{path}")
            assert "/coach/openapi.json" in page.text, path
            assets = assets_of(page.text)
            assert assets and all(a.startswith("/coach/docs-assets/") for a in assets), path
            assert all(client.get(a).status_code == 200 for a in assets), path


def test_docs_without_the_bundle_say_what_to_install(
    api_settings: Settings, coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fastapi_offline", None)  # as if it were not installed
    with client_for(api_settings, coach) as client:
        for path in PAGES:
            assert "pip install fastapi-offline" in error_of(client.get(path), 503, "unavailable")
        error_of(client.get("/docs-assets/swagger-ui.css"), 404, "not_found")
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/healthz").status_code == 200
