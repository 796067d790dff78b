"""`coach eval`: run the eval suites, print a table, write JSON/HTML, gate on thresholds."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cli.common import console, err_console, settings_from_cli, user_errors
from bot.errors import CoachError

# Rows the terminal leaves to the HTML report (per-dimension precision/recall, supports).
_QUIET = re.compile(r"\.support$|per_dimension\.\w+\.(?:precision|recall)$")


def _table(suite: str, data: dict[str, Any], results: dict[str, Any]) -> Table:
    from evals.report import fmt, metric_columns

    failing = {f["path"] for f in results["failures"]}
    bounds = {t["path"]: t for t in results["thresholds"]}
    cols, rows = metric_columns(data["metrics"])
    table = Table(title=f"{suite} ({data['seconds']} s)", title_justify="left")
    for name in ["metric", *cols, "threshold"]:
        table.add_column(name, justify="left" if name == "metric" else "right")
    for label, sub, values in rows:
        full = f"{suite}.{sub}"
        if _QUIET.search(label) and full not in bounds:
            continue
        t = bounds.get(full)
        bound = f"{'>=' if t['kind'] == 'min' else '<='} {t['bound']:g}" if t else ""
        spread = results["spread"].get(full)
        cells = [fmt(v, spread if i == 0 else None) for i, v in enumerate(values)]
        style = "red" if full in failing else None
        table.add_row(label, *cells, bound, style=style)
    return table


def _render(results: dict[str, Any]) -> None:
    for suite, data in results["suites"].items():
        console.print(_table(suite, data, results))
        for note in data.get("notes", []):
            console.print(f"  note: {note}")
        if data["misses"]:
            console.print(f"  {len(data['misses'])} miss(es); see the HTML report (--report DIR) for details")
    runs = f", mean of {results['runs']} runs" if results["runs"] > 1 else ""
    console.print(f"engine {results['engine']}{runs}, {results['seconds']} s")


def eval_command(
    positional: Annotated[
        list[str] | None, typer.Argument(help="Suites (alias of --suite).", metavar="[SUITE]...")
    ] = None,
    suite: Annotated[list[str] | None, typer.Option("--suite", "-s", help="Suite, or 'offline'/'all'.")] = None,
    engine: Annotated[str, typer.Option(help="offline or openai.")] = "offline",
    runs: Annotated[int, typer.Option(min=1, help="Repeat the run N times (spread).")] = 1,
    report: Annotated[Path | None, typer.Option(help="Write results.json and report.html here.")] = None,
    thresholds: Annotated[Path | None, typer.Option(help="Thresholds file to check against.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run eval suites (default: the offline gate); exit 1 when a metric misses its threshold."""
    from evals.report import write_html, write_json
    from evals.runner import resolve_suites, run_evals

    if engine not in ("offline", "openai"):
        err_console.print(f"[red]error:[/red] unknown engine {engine!r}: choose offline or openai.")
        raise typer.Exit(2)
    settings = settings_from_cli()
    if engine == "openai" and not (settings.openai_api_key and settings.openai_api_key.get_secret_value().strip()):
        err_console.print("[red]error:[/red] --engine openai needs OPENAI_API_KEY; set it (and OPENAI_BASE_URL).")
        raise typer.Exit(2)
    try:
        names = resolve_suites([*(positional or []), *(suite or [])])
    except CoachError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    with user_errors():
        say = (lambda m: err_console.print(f"[dim]{m}[/dim]")) if not as_json else None
        results = run_evals(settings, names, engine, runs, thresholds, progress=say)  # type: ignore[arg-type]
    if report:
        write_json(results, report)
        html = write_html(results, report)
        err_console.print(f"report: {html}")
    if as_json:
        typer.echo(json.dumps(results, indent=2, default=str))
    else:
        _render(results)
    _gate(results)


def _gate(results: dict[str, Any]) -> None:
    """Exit 1, listing each failing metric, when any threshold is missed."""
    failures = results["failures"]
    if not failures:
        err_console.print("[green]all thresholds met[/green]")
        return
    err_console.print(f"[red]{len(failures)} metric(s) below threshold:[/red]")
    for f in failures:
        err_console.print(f"  - {f['message']}", soft_wrap=True)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `eval` to the coach CLI."""
    app.command("eval")(eval_command)
