"""`coach eval [SUITE]`: run an evaluation suite and print its metrics."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cli.common import console, err_console, settings_from_cli, user_errors
from bot.config import Settings


@dataclass(frozen=True)
class Suite:
    """An eval suite: a runner returning a JSON-able dict and a renderer for people."""

    run: Callable[[Settings], dict[str, Any]]
    render: Callable[[dict[str, Any]], None]


def _run_retrieval(settings: Settings) -> dict[str, Any]:
    from evals.retrieval import run_retrieval_eval

    return run_retrieval_eval(settings)


def _render_retrieval(result: dict[str, Any]) -> None:
    modes = result["modes"]
    table = Table(title=f"Retrieval ({result['cases']} questions)")
    table.add_column("metric")
    for mode in modes:
        table.add_column(mode, justify="right")
    for metric in ("hit@1", "hit@3", "hit@5", "mrr", "recall@5"):
        table.add_row(metric, *(f"{modes[m][metric]:.3f}" for m in modes))
    console.print(table)
    for mode, scores in modes.items():
        if scores["missed@5"]:
            console.print(f"{mode} missed at 5: {', '.join(scores['missed@5'])}")


SUITES: dict[str, Suite] = {"retrieval": Suite(_run_retrieval, _render_retrieval)}


def eval_command(
    suite: Annotated[str, typer.Argument(help="Which suite to run.")] = "retrieval",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run an evaluation suite (retrieval) and print its metrics."""
    if suite not in SUITES:
        err_console.print(
            f"[red]error:[/red] unknown suite {suite!r}: choose from {', '.join(SUITES)}."
        )
        raise typer.Exit(2)
    settings = settings_from_cli()
    with user_errors():
        result = SUITES[suite].run(settings)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        SUITES[suite].render(result)


def register(app: typer.Typer) -> None:
    """Add `eval` to the coach CLI."""
    app.command("eval")(eval_command)
