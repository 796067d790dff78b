"""The web pages' own files: every script and stylesheet a page names is served from /static."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.api.web import HEADERS, WEB_DIR, add_page, mount_web

PAGES = sorted(WEB_DIR.glob("*.html"))
NAMED = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="(/static/[^"]+)"')


@pytest.fixture(scope="module")
def web() -> Iterator[TestClient]:
    app = FastAPI()
    mount_web(app)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_a_page_is_served_whole_with_the_page_headers(page: str) -> None:
    app = FastAPI()
    add_page(app, "/some/where", page)
    with TestClient(app) as client:
        resp = client.get("/some/where")
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
        assert resp.text == (WEB_DIR / page).read_text(encoding="utf-8")
        assert {k: resp.headers[k] for k in HEADERS} == HEADERS
        assert client.post("/some/where").status_code == 405
    assert "/some/where" not in str(app.openapi())


def named(page: str) -> list[str]:
    """The /static paths a page's script and link tags load, in order."""
    return NAMED.findall((WEB_DIR / page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_every_file_a_page_names_is_served(web: TestClient, page: str) -> None:
    for path in named(page):
        resp = web.get(path)
        kind = "javascript" if path.endswith(".js") else "css"
        assert resp.status_code == 200 and kind in resp.headers["content-type"], path


def test_every_script_is_loaded_by_a_page() -> None:
    loaded = {path.removeprefix("/static/") for page in PAGES for path in named(page.name)}
    assert {p.name for p in WEB_DIR.glob("*.js")} <= loaded


def test_the_chat_page_loads_its_modules_before_the_wiring(web: TestClient) -> None:
    scripts = [p for p in named("index.html") if p.endswith(".js")]
    wiring = scripts.index("/static/app.js")
    assert {"/static/page.js", "/static/api.js", "/static/chat.js"} <= set(scripts[:wiring])
    page = web.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script for the CSP to refuse
