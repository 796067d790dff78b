"""`coach portfolio` and `coach gate ...`: the portfolio and the go/no-go gate from the terminal.

The command line is the local operator: it sees every pilot (or one owner's, with --of) and signs as
`local`, so it can sign only a role whose named identity is `local`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from bot.cli.common import console, settings_from_cli, user_errors

if TYPE_CHECKING:
    from bot.gate.records import Gate
    from bot.gate.service import Gates
    from bot.portfolio.service import Portfolio

CLI_IDENTITY = "local"
gate_app = typer.Typer(help="Go/no-go reviews: named sign-offs and the decision record.", no_args_is_help=True)


def _services() -> tuple[Portfolio, Gates]:
    from bot.factory import portfolio_services

    return portfolio_services(settings_from_cli())


def _pairs(values: list[str], parts: int, what: str) -> list[list[str]]:
    """'a=b=c' options split into their parts, or a clear error."""
    split = [v.split("=", parts - 1) for v in values]
    bad = [v for v, s in zip(values, split, strict=True) if len(s) != parts or not all(p.strip() for p in s)]
    if bad:
        raise typer.BadParameter(f"{bad[0]!r}: write {what}")
    return [[p.strip() for p in s] for s in split]


def portfolio(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV."),
    of: str = typer.Option(None, "--of", help="Only this API key's or workspace's pilots (its owner id)."),
    owner: str = typer.Option(None, "--owner", help="Business owner or sponsor (part of the name)."),
    verdict: str = typer.Option(None, "--verdict"),
    stalled: bool = typer.Option(None, "--stalled/--moving", help="Only stalled, or only moving, pilots."),
) -> None:
    """Every pilot: stage, verdict, level per area, open gaps, stalls and reviews; then the aggregates."""
    from bot.portfolio.service import Filters

    with user_errors():
        service, _ = _services()
        filters = Filters(owner, verdict, stalled)
        if as_csv:
            typer.echo(service.csv(of, filters), nl=False)
            return
        view = service.view(of, filters)
        if as_json:
            typer.echo(json.dumps(view.to_dict(), indent=2))
            return
        _print_portfolio(view.to_dict())


def _print_portfolio(view: dict[str, Any]) -> None:
    dims = [d["id"] for d in view["dimensions"]]
    table = Table("id", "name", "owner", "stage", "verdict", *[d[:8] for d in dims], "open c/h/m", "stalled",
                  "last close", "trend")  # fmt: skip
    for p in view["pilots"]:
        sev = p["open_by_severity"]
        table.add_row(str(p["id"]), p["name"], p["business_owner"] or "not named", p["stage"], p["verdict"] or "-",
                      *[str(p["levels"].get(d, "-")) for d in dims], f"{sev['critical']}/{sev['high']}/{sev['medium']}",
                      "yes" if p["stalled"] else "no", p["since_close"], p["trend"]["direction"])  # fmt: skip
    console.print(table if view["pilots"] else "No pilots yet: register one with `coach pilots add`.")
    agg = view["aggregates"]
    console.print(f"{agg['pilots']} pilot(s), {agg['stalled']} stalled; verdicts {agg['per_verdict']}", markup=False)
    for g in agg["common_gaps"][:5]:
        console.print(f"  common gap: {g['title']} ({g['pilots']} pilots)", markup=False)
    for g in agg["oldest_critical"][:5]:
        console.print(f"  oldest critical: {g['pilot']}: {g['title']} ({g['weeks_open']} wk)", markup=False)


def _print_gate(gate: Gate, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(gate.to_dict(), indent=2))
        return
    from bot.gate.markdown import gate_markdown

    console.print(gate_markdown(gate), markup=False)


@gate_app.command("open")
def open_gate(
    pilot_id: str,
    signers: list[str] = typer.Option(..., "--signer", help="ROLE=NAME=IDENTITY, once per role."),
    item_owners: list[str] = typer.Option([], "--item-owner", help="AREA=NAME: who owns that area's items."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Open a production-readiness review of a pilot from its open gaps."""
    named = {role: (name, ident) for role, name, ident in _pairs(signers, 3, "ROLE=NAME=IDENTITY")}
    owners = dict(_pairs(item_owners, 2, "AREA=NAME"))
    with user_errors():
        _print_gate(_services()[1].open(pilot_id, named, CLI_IDENTITY, None, owners), as_json)


@gate_app.command("show")
def show(pilot_id: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The pilot's latest review: items, sign-offs and the decision."""
    with user_errors():
        _print_gate(_services()[1].show(pilot_id, CLI_IDENTITY, None), as_json)


@gate_app.command("sign")
def sign(
    pilot_id: str,
    role: str = typer.Option(..., "--role"),
    signoff: str = typer.Option(..., "--signoff", help="approve, approve_with_conditions or reject."),
    comment: str = typer.Option("", "--comment"),
) -> None:
    """Sign for a role as `local` (only when the role's named identity is local)."""
    with user_errors():
        gate = _services()[1].sign(pilot_id, role, signoff, CLI_IDENTITY, None, comment)
        console.print(f"Signed {role} ({signoff}) on review {gate.id}.", markup=False)


@gate_app.command("item")
def item(
    pilot_id: str,
    item_id: str,
    status: str = typer.Option(None, "--status", help="open, done or waived."),
    owner: str = typer.Option(None, "--owner"),
    due: datetime = typer.Option(None, "--due", formats=["%Y-%m-%d"], help="YYYY-MM-DD"),
) -> None:
    """Change a review item's status, owner or due date."""
    with user_errors():
        due_at = due.replace(tzinfo=UTC) if due else None
        _services()[1].update_item(pilot_id, item_id, CLI_IDENTITY, None, status, owner, due_at)
        console.print(f"Item {item_id} updated.", markup=False)


@gate_app.command("decide")
def decide(
    pilot_id: str,
    decision: str = typer.Option(..., "--decision", help="go, go_with_conditions or no_go."),
    rationale: str = typer.Option(..., "--rationale"),
) -> None:
    """Record the decision and its rationale."""
    with user_errors():
        gate = _services()[1].decide(pilot_id, decision, rationale, CLI_IDENTITY, None)
        console.print(f"Review {gate.id}: {decision}, with {len(gate.conditions)} condition(s).", markup=False)


@gate_app.command("export")
def export(pilot_id: str, out: Path = typer.Option(None, "--out", help="Write to this file.")) -> None:
    """The review and its decision record as Markdown."""
    with user_errors():
        text = _services()[1].markdown(pilot_id, CLI_IDENTITY, None)
        if out is None:
            typer.echo(text, nl=False)
            return
        out.write_text(text, encoding="utf-8")
        console.print(f"Wrote {out}.", markup=False)


def register(app: typer.Typer) -> None:
    """Add `coach portfolio`, `coach gate` and `coach respondents` (issue 17's commands)."""
    from bot.cli.respondents_cmds import respondents_app

    app.command("portfolio")(portfolio)
    app.add_typer(gate_app, name="gate")
    app.add_typer(respondents_app, name="respondents")
