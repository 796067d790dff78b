"""`coach chat`, `coach assess`, `coach ask`: the coach in the terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from bot.cli.common import EMPTY_INDEX, console, err_console, settings_from_cli, user_errors
from bot.errors import InvalidInput

if TYPE_CHECKING:
    from bot.models import Choice, Citation
# The renderers, pydantic models and the coach are imported inside the commands: `coach --help`
# and the light commands never load them (tests/core/test_cli_startup.py).


def _coach():  # type: ignore[no-untyped-def]
    from bot.factory import build_coach  # heavy imports only when a command runs

    return build_coach(settings_from_cli(), lazy=True)  # the index opens only if a search needs it


def _print_sources(citations: list[Citation]) -> None:
    """The numbered sources under an answer, as its [n] markers refer to them."""
    if citations:
        console.print("Sources:", style="dim")
    for i, c in enumerate(citations, 1):
        console.print(escape(f"  [{i}] {c.title or c.source} ({c.ref})"), style="dim")


def _print_choices(choices: list[Choice]) -> None:
    """Numbered answer options under a question: type the number, optionally followed by details."""
    if choices:
        console.print("  ".join(escape(f"[{i}] {c.label}") for i, c in enumerate(choices, 1)), style="cyan")
        console.print("Type a number (details may follow: `2 pulled monthly`) or answer in words.", style="dim")


def picked(choices: list[Choice], text: str) -> str:
    """A typed number becomes that option's text; words after it are sent with it as evidence."""
    head, _, rest = text.strip().partition(" ")
    if not head.rstrip(".):").isdigit() or not 1 <= int(head.rstrip(".):")) <= len(choices):
        return text
    value = choices[int(head.rstrip(".):")) - 1].value
    return f"{value.rstrip('.')}: {rest.strip()}" if rest.strip() else value


def chat(
    pilot: str = typer.Option(None, "--pilot", help="Name of the pilot being assessed."),
    resume: str = typer.Option(None, "--resume", help="Session id to continue."),
) -> None:
    """Run the readiness interview in the terminal."""
    from rich.markdown import Markdown

    from bot.models import Citation
    from bot.render import print_report

    with user_errors():
        coach = _coach()
        if coach.index_size() == 0:  # the interview still runs; questions would be declined
            err_console.print(f"{EMPTY_INDEX} Until then the coach can interview but not answer questions.")
        if resume:
            view = coach.session_view(resume)
            last = next((m for m in reversed(view.messages) if m["role"] == "coach"), {"text": ""})
            console.print(f"[dim]Resuming session {resume}[/dim]")
            console.print(Markdown(last["text"]))
            _print_sources([Citation.model_validate(c) for c in last.get("citations", [])])
            session_id = resume
        else:
            turn = coach.start_session(owner="local", channel="cli", pilot_name=pilot)
            session_id = turn.session_id
            console.print(f"[dim]Session {session_id} (resume with --resume {session_id})[/dim]")
            console.print(Markdown(turn.reply))
            _print_choices(turn.choices)
        choices = [] if resume else turn.choices
        while True:
            try:
                text = console.input("[bold cyan]you>[/bold cyan] ")
            except EOFError:
                break
            if text.strip().lower() in {"quit", "exit"}:
                break
            try:
                turn = coach.send_message(session_id, picked(choices, text), author="you")
            except InvalidInput as exc:
                err_console.print(f"[yellow]{exc}[/yellow]")
                continue
            console.print(Markdown(turn.message or turn.reply))
            _print_sources(turn.citations)
            if turn.report is not None:  # the gap list this answer (or `report`) made
                print_report(turn.report, console)
            _print_choices(turn.choices)
            choices = turn.choices
        console.print(f"[dim]Saved. Resume with: coach chat --resume {session_id}[/dim]")


def assess(
    file: str = typer.Argument(..., help="Pilot write-up: .pdf, .docx, .pptx, .html, .md or .txt, or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    as_md: bool = typer.Option(False, "--md", help="Print the report as Markdown."),
    pilot: str = typer.Option(None, "--pilot", help="Name of the pilot."),
) -> None:
    """Assess a pilot write-up (a one-pager, a steerco deck, a status update); quotes name their page or slide."""
    from bot.documents.errors import too_large
    from bot.render import print_report, to_json, to_markdown

    with user_errors():
        if file == "-":
            report = _coach().assess_text(sys.stdin.buffer.read(), pilot_name=pilot)
        else:
            path = Path(file)
            if not path.is_file():
                raise InvalidInput(f"{file}: no such file; pass a document or - for stdin.")
            limit = settings_from_cli().max_upload_bytes
            if path.stat().st_size > limit:  # before reading it, or building the coach
                raise too_large(path.name, path.stat().st_size, limit)
            report = _coach().assess_file(path.read_bytes(), path.name, pilot_name=pilot)
        if as_json:
            typer.echo(to_json(report))
        elif as_md:
            typer.echo(to_markdown(report))
        else:
            print_report(report, console)


def ask(
    question: str = typer.Argument(..., help="A question about getting a pilot to production."),
    as_json: bool = typer.Option(False, "--json", help="Print answer and citations as JSON."),
) -> None:
    """Answer a question from the playbook, with citations."""
    from rich.markdown import Markdown

    with user_errors():
        coach = _coach()
        if coach.index_size() == 0:  # an empty index would decline every question as off-topic
            err_console.print(EMPTY_INDEX)
            raise typer.Exit(1)
        answer = coach.ask(question)
        if as_json:
            typer.echo(json.dumps(answer.model_dump(), indent=2))
            return
        console.print(Markdown(answer.answer))
        _print_sources(answer.citations)


def report(
    session_id: str = typer.Argument(..., help="Session id."),
    fmt: str = typer.Option("terminal", "--format", help="terminal, md, json, html or docx."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file (needed for docx)."),
) -> None:
    """Show or export the report of an interview session."""
    from bot.render import print_report, to_json, to_markdown
    from bot.render_docx import to_docx
    from bot.render_html import to_html

    with user_errors():
        if fmt not in ("terminal", "md", "json", "html", "docx"):
            raise InvalidInput(f"Unknown format {fmt!r}: use terminal, md, json, html or docx.")
        if fmt == "docx" and output is None:
            raise InvalidInput("A DOCX report needs a file: add --output report.docx.")
        rep = _coach().report(session_id)
        if fmt == "terminal":
            print_report(rep, console)
            return
        if fmt == "docx":
            data: bytes | str = to_docx(rep)
        else:
            data = {"json": to_json, "md": to_markdown, "html": to_html}[fmt](rep)
        if output is None:
            typer.echo(data)
        elif isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data if data.endswith("\n") else data + "\n", encoding="utf-8")
        if output is not None:
            err_console.print(f"Report written to {escape(str(output))}.")


def register(app: typer.Typer) -> None:
    """Add the coach commands to the CLI."""
    app.command()(chat)
    app.command()(assess)
    app.command()(ask)
    app.command()(report)
