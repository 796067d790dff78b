"""`coach serve`: the HTTP API and the web chat under uvicorn."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

import typer

from bot.cli.common import console, err_console, settings_from_cli, user_errors

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.index import IndexSummary

LOOPBACK_NAMES = {"localhost"}
NO_KEYS = (
    "Refusing to listen on {host} without API keys: set COACH_API_KEYS "
    "(comma-separated bearer tokens) or serve on 127.0.0.1."
)


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    """The address to print (IPv6 in brackets)."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def _ensure_index(settings: Settings) -> None:
    """Index the playbook first when the index is empty (a fresh clone), in a child process."""
    from bot.citation_cache import clear as clear_citations

    if _has_index(settings):
        return
    console.print("[dim]The playbook index is empty: indexing it now (once).[/dim]")
    summary = index_in_child(settings)
    clear_citations(settings)
    console.print(f"[dim]Indexed {summary.chunks} passages in {summary.seconds:.1f} s.[/dim]")


def _has_index(settings: Settings) -> bool:
    """True when the playbook is indexed. Embedded Chroma is not opened in this process to find
    out: chromadb keeps one client per path, and one opened before the child indexes never sees the
    segments the child writes (the first search then fails with "Nothing found on disk")."""
    if settings.chroma_url:
        from bot.index import open_index

        return open_index(settings).count() > 0
    from bot.indexing import indexed_chunks

    return indexed_chunks(settings) > 0


def index_in_child(settings: Settings) -> IndexSummary:
    """`index_knowledge` in a fresh process: the embedder's batch buffers (about 500 MB at the peak)
    are freed with it, so the server's resident memory never holds them. Errors come back as raised."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from bot.index import index_knowledge

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(index_knowledge, settings).result()


def serve_command(
    host: str = typer.Option(None, "--host", help="Address to listen on (default COACH_HOST)."),
    port: int = typer.Option(None, "--port", help="Port to listen on (default COACH_PORT)."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the HTTP API (/v1, docs at /docs) and the web chat (/)."""
    settings = settings_from_cli()
    host = host or settings.host
    port = port or settings.port
    if not settings.api_keys and not is_loopback(host):
        err_console.print(f"[red]error:[/red] {NO_KEYS.format(host=host)}")
        raise typer.Exit(2)
    import uvicorn

    from bot.factory import build_coach, create_app
    from bot.logging_setup import configure_logging

    configure_logging(log_level)
    with user_errors():
        _ensure_index(settings)
        coach = build_coach(settings)
    console.print(f"Readiness Coach on [bold]{url_for(host, port)}[/bold] (API docs at /docs)")
    # log_config=None: uvicorn's loggers propagate to our root handler, whose filter redacts
    # personal data and secrets (access-log query strings included).
    uvicorn.run(create_app(settings, coach), host=host, port=port, log_level=log_level, log_config=None)


def register(app: typer.Typer) -> None:
    """Add `serve` to the coach CLI."""
    app.command("serve")(serve_command)
