"""`coach respondents ...`: name people for areas of an interview, see how far each is, remind them,
replace a person's link.

The command line is the local operator: it reaches any session (as `coach` does) and is audited as
`local`. The links it prints are the only copy of their tokens (only a hash is stored)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import console, settings_from_cli, user_errors

if TYPE_CHECKING:
    from bot.respondents.service import Respondents

CLI_IDENTITY = "local"
respondents_app = typer.Typer(help="Several respondents: a person per area of one interview.", no_args_is_help=True)


def _service() -> Respondents:
    from bot.factory import build_coach, build_respondents  # heavy imports only when a command runs

    return build_respondents(build_coach(settings_from_cli(), lazy=True))


def _print(records: list[dict[str, Any]], lines: list[str], as_json: bool) -> None:
    """JSON for scripts, else one line (or two) per person."""
    if as_json:
        typer.echo(json.dumps(records, indent=2))
    for line in [] if as_json else lines:
        console.print(line, markup=False)


@respondents_app.command("invite")
def invite(
    session_id: str,
    person: list[str] = typer.Option(
        ..., "--person", help='NAME=AREAS[=ROLE], e.g. "Priya=data pipeline, governance=data engineer".'
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Name people for areas of an interview; print each one's link (shown only now)."""
    from bot.respondents.records import Person

    with user_errors():
        service = _service()
        people = []
        for raw in person:
            name, _, rest = raw.partition("=")
            areas, _, role = rest.partition("=")
            if not name.strip() or not areas.strip():
                raise typer.BadParameter(f"{raw!r}: write NAME=AREAS[=ROLE]")
            people.append(Person(name.strip(), service.areas_named(areas), role.strip()))
        made = service.invite(session_id, None, people, CLI_IDENTITY)
    lines = [f"{i.respondent.label}: {service.titles(i.respondent.areas)}\n  /respond#{i.token}" for i in made]
    _print([i.to_dict() for i in made], lines, as_json)


@respondents_app.command("list")
def listed(session_id: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Who is named for the interview's areas, and how far each is."""
    with user_errors():
        service = _service()
        people = service.named(session_id, None)
    lines = [f"{p.id}  {p.label} ({p.status}): {service.titles(p.areas)}" for p in people]
    _print([p.to_dict() for p in people], lines, as_json)


@respondents_app.command("link")
def link(
    session_id: str, respondent_id: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Print a new link for a person (see their id with `list`); their old link stops working."""
    with user_errors():
        made = _service().relink(session_id, None, respondent_id, CLI_IDENTITY)
    _print([made.to_dict()], [f"{made.respondent.label}\n  /respond#{made.token}"], as_json)


@respondents_app.command("remind")
def remind(session_id: str) -> None:
    """List the people whose areas are still open (stamped as reminded; Slack ones: /readiness remind)."""
    with user_errors():
        due = _service().remind(session_id, None, CLI_IDENTITY)
    console.print("\n".join(f"{p.label} ({p.status})" for p in due) or "Everyone has answered.", markup=False)
