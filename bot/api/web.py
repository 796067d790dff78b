"""The web chat: `/` serves the page, `/static` its script and styles (no build step, no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
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

page = APIRouter(include_in_schema=False)


@page.get("/")
def index() -> FileResponse:
    """The chat page."""
    return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers=HEADERS)


def mount_web(app: FastAPI) -> None:
    """Serve the page at `/` and its files under `/static`."""
    app.include_router(page)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
