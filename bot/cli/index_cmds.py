"""`coach index` and `coach search`: build the playbook index and query it."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bot.cli.common import EMPTY_INDEX, console, err_console, settings_from_cli, user_errors

if TYPE_CHECKING:
    from bot.index import Passage
    from bot.indexing import IndexSummary
# bot.indexing (pydantic, the chunker) is imported inside `coach index`, and bot.index (chromadb,
# onnxruntime) only when something changed: `coach --help` loads neither.


class SearchMode(StrEnum):
    """Ranking modes offered on the command line."""

    hybrid = "hybrid"
    dense = "dense"
    lexical = "lexical"


SUMMARY_COLUMNS = ("documents", "chunks", "added", "removed", "unchanged", "seconds")


def _summary_table(summary: IndexSummary) -> Table:
    table = Table(title="Playbook index")
    for column in SUMMARY_COLUMNS:
        table.add_column(column, justify="right")
    row = asdict(summary)
    table.add_row(*(str(row[c]) for c in SUMMARY_COLUMNS))
    return table


def index_command() -> None:
    """Read, chunk and embed the playbook and your folders (PDF, DOCX, PPTX, HTML, Markdown); unchanged files
    are skipped, and a file that cannot be read keeps what was indexed from it before."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bot.citation_cache import clear as clear_citations
    from bot.indexing import plan_index  # no chromadb import when nothing changed

    settings = settings_from_cli()
    columns = (TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with user_errors(), Progress(*columns, console=console, transient=True) as bar:
        reading = bar.add_task("Reading", total=None)
        embedding = bar.add_task("Embedding", total=None)
        plan = plan_index(settings, reading=lambda done, total: bar.update(reading, completed=done, total=total))
        summary = plan.summary
        if summary is None:
            from bot.index import run_plan

            summary = run_plan(settings, plan, lambda done, total: bar.update(embedding, completed=done, total=total))
            clear_citations(settings)  # passages may have changed without any file changing (a new chunker)
    console.print(_summary_table(summary))
    for source, why in summary.skipped:
        err_console.print(escape(f"Skipped {source}: {why}"))


def _print_passages(passages: list[Passage]) -> None:
    table = Table(show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("source", overflow="fold")
    table.add_column("section", overflow="fold")
    table.add_column("score", justify="right")
    table.add_column("text", ratio=3)
    for rank, p in enumerate(passages, start=1):
        snippet = p.text if len(p.text) <= 200 else p.text[:197] + "..."
        where = f"{p.source} {p.location}" if p.location else p.source
        table.add_row(str(rank), where, p.section, f"{p.score:.4f}", snippet)
    console.print(table)


def search_command(
    query: Annotated[str, typer.Argument(help="What to look for in the playbook.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50, help="How many passages.")] = 5,
    dimension: Annotated[list[str] | None, typer.Option("--dimension", "-d", help="Limit to a dimension id.")] = None,
    mode: Annotated[SearchMode, typer.Option(help="How to rank.")] = SearchMode.hybrid,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the playbook index and show the best passages with their source."""
    from bot.index import open_index

    settings = settings_from_cli()
    with user_errors():
        index = open_index(settings)
        if index.count() == 0:
            err_console.print(EMPTY_INDEX)
            raise typer.Exit(1)
        passages = index.search(query, k=k, dimension=dimension or None, mode=mode.value)
    if as_json:
        typer.echo(json.dumps([asdict(p) for p in passages], indent=2))
    else:
        _print_passages(passages)


def register(app: typer.Typer) -> None:
    """Add `index` and `search` to the coach CLI."""
    app.command("index")(index_command)
    app.command("search")(search_command)
