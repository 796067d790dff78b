"""The `coach` command line: every job is a subcommand; each module registers its own."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="coach",
    help="Readiness Coach: find what stands between your AI pilot and production.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    """Each module adds its commands to `app` in a `register(app)` function.

    Imported here, not at the top, so that importing one command module (as tests do) does not
    import them all (the index's, for one, loads chromadb)."""
    from bot.cli import (
        coach_cmds,
        db_cmds,
        eval_cmds,
        index_cmds,
        pilot_cmds,
        portfolio_cmds,
        serve_cmds,
        slack_cmds,
    )

    for module in (index_cmds, coach_cmds, serve_cmds, slack_cmds, pilot_cmds, portfolio_cmds, eval_cmds, db_cmds):
        module.register(app)


def main() -> None:
    """Entry point of the `coach` console script."""
    from bot.logging_setup import configure_logging

    configure_logging("WARNING")  # every log line passes the redacting filter; serve raises the level
    _register_all()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
