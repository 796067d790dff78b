"""The API docs at `/docs` and `/redoc`, with Swagger UI and ReDoc served from here, not a CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bot.errors import ServiceUnavailable

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/docs-assets"
# fastapi-offline (a dependency) ships Swagger UI 5 (which reads OpenAPI 3.1, as FastAPI writes) and ReDoc
MISSING = "The API docs need their bundled files: run `pip install fastapi-offline` and restart the server."


def assets_dir() -> Path | None:
    """Where the Swagger UI and ReDoc files are; None when fastapi-offline is missing or lacks them."""
    try:
        import fastapi_offline  # a dependency, but the API must serve without its docs pages
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).resolve().parent / "static"
    return folder if folder.is_dir() else None


def prefix(request: Request) -> str:
    """The path the app is mounted under behind a proxy ('' when at the root)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def swagger_page(app: FastAPI, request: Request) -> HTMLResponse:
    """Swagger UI with its script, styles and icon from this server."""
    root, redirect = prefix(request), app.swagger_ui_oauth2_redirect_url
    return get_swagger_ui_html(
        openapi_url=root + (app.openapi_url or ""),
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        oauth2_redirect_url=root + redirect if redirect else None,
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters=app.swagger_ui_parameters,
    )


def redoc_page(app: FastAPI, request: Request) -> HTMLResponse:
    """ReDoc with its script and icon from this server, and no web fonts."""
    root = prefix(request)
    return get_redoc_html(
        openapi_url=root + (app.openapi_url or ""),
        title=f"{app.title} - ReDoc",
        redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )


def install_docs(app: FastAPI) -> None:
    """Serve the docs pages and their files; without the bundle the pages say what to install.

    The app must be built with `docs_url=None, redoc_url=None` so FastAPI adds no CDN pages.
    Like FastAPI's own docs, these routes need no API key and are not rate limited.
    """
    assets = assets_dir()

    async def docs(request: Request) -> HTMLResponse:
        if assets is None:
            raise ServiceUnavailable(MISSING)
        return swagger_page(app, request)

    async def redoc(request: Request) -> HTMLResponse:
        if assets is None:
            raise ServiceUnavailable(MISSING)
        return redoc_page(app, request)

    async def oauth2_redirect(_request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    # plain routes (GET and HEAD), as FastAPI adds its own docs
    app.add_route(DOCS_URL, docs, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
    if app.swagger_ui_oauth2_redirect_url:
        app.add_route(app.swagger_ui_oauth2_redirect_url, oauth2_redirect, include_in_schema=False)
    if assets is not None:
        app.mount(ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")
