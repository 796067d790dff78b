"""The web pages: `/` serves the chat, `/static` the pages' scripts and styles (no build step, no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
# Everything the page needs is served from here; no inline script, no third-party origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def add_page(app: FastAPI, path: str, file: str) -> None:
    """Serve the page `file` of the web folder at `path` (GET, not in the API schema) with the page headers."""

    def page() -> FileResponse:
        return FileResponse(WEB_DIR / file, media_type="text/html", headers=HEADERS)

    app.add_api_route(path, page, methods=["GET"], include_in_schema=False, name=f"{file.removesuffix('.html')}_page")


def mount_web(app: FastAPI) -> None:
    """Serve the chat page at `/` and the pages' files under `/static`."""
    add_page(app, "/", "index.html")
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
