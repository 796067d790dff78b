"""Helpers shared by the CLI modules: settings, clear errors, exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from bot.errors import CoachError

if TYPE_CHECKING:
    from bot.config import Settings

console = Console()
err_console = Console(stderr=True)


EMPTY_INDEX = "The playbook index is empty: run `coach index` first."


def settings_from_cli() -> Settings:
    """Settings from the environment; a bad value is reported in one sentence."""
    from bot.config import get_settings  # pydantic-settings: only when a command runs, not for --help

    try:
        return get_settings()
    except Exception as exc:  # pydantic ValidationError: name the variable
        err_console.print(f"[red]error:[/red] invalid configuration: {exc}")
        raise typer.Exit(2) from exc


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a CoachError into one red line and exit code 1, never a stack trace."""
    try:
        yield
    except CoachError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
