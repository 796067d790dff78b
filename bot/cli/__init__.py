"""The `coach` command line: every job is a subcommand; each module registers its own."""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="coach",
    help="Readiness Coach: find what stands between your AI pilot and production.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module adds its commands to `app` in a `register(app)` function.
_COMMAND_MODULES = (
    "bot.cli.index_cmds",
    "bot.cli.coach_cmds",
    "bot.cli.serve_cmds",
    "bot.cli.slack_cmds",
    "bot.cli.pilot_cmds",
    "bot.cli.eval_cmds",
    "bot.cli.db_cmds",
)


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet
                continue
            raise
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
