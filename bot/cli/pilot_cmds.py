"""`coach pilots ...` and `coach checkins due|run`: follow pilots from the terminal or cron."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from bot.cli.common import console, settings_from_cli, user_errors

if TYPE_CHECKING:
    from bot.checkins.pilots import Checkins

pilots_app = typer.Typer(help="Pilots followed with weekly check-ins.", no_args_is_help=False)
checkins_app = typer.Typer(help="Send due check-ins (for cron or a Kubernetes CronJob).")


def _service(full: bool = False) -> Checkins:
    """The check-in service: with the whole coach when assessments are read or answers judged."""
    from bot.factory import build_checkins, build_checkins_from_settings, build_coach

    settings = settings_from_cli()
    return build_checkins(build_coach(settings)) if full else build_checkins_from_settings(settings)


def _gaps(counts: dict[str, int]) -> str:
    return " ".join(f"{n} {sev}" for sev, n in counts.items() if n) or "none"


@pilots_app.callback(invoke_without_command=True)
def list_pilots(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List pilots: status, open gaps by severity, weeks since the last closed gap, trend."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        rows = _service().list_pilots()
        if as_json:
            typer.echo(json.dumps([r.to_dict() for r in rows], indent=2, default=str))
            return
        table = Table("id", "name", "status", "open gaps", "last gap closed", "trend", "next check-in")
        for r in rows:
            nxt = r.next_due.strftime("%Y-%m-%d %H:%M UTC") if r.next_due else _no_next(r.status)
            table.add_row(
                r.pilot.public_id,
                r.pilot.name,
                r.headline,
                _gaps(r.open_by_severity),
                r.since_close,
                f"{r.sparkline} {r.trend}",
                nxt,
            )
        console.print(table if rows else "No pilots yet: add one with `coach pilots add`.")


def _no_next(status: str) -> str:
    return "none while paused" if status == "paused" else "-"


PILOT_ID = "The pilot's id (the first column of `coach pilots`)."


@pilots_app.command("show")
def show(pilot_id: str = typer.Argument(..., help=PILOT_ID)) -> None:
    """Gaps, check-in history and the trend chart of one pilot."""
    from bot.checkins.trend import text_chart

    with user_errors():
        svc = _service()
        detail = svc.detail(pilot_id)
        s = detail["summary"]
        console.print(f"[bold]{detail['pilot']['name']}[/bold]", s["headline"], markup=False)
        nxt = s["next_due"][:16].replace("T", " ") + " UTC" if s["next_due"] else _no_next(s["status"])
        console.print(f"  next check-in: {nxt}; last gap closed: {s['since_close']}", markup=False)
        for g in detail["gaps"]:
            target = f" (target {g['target_date']})" if g["target_date"] else ""
            console.print(f"  [{g['severity']}] {g['title']}: {g['status'].replace('_', ' ')}{target}", markup=False)
        for question in detail["questions"]:
            console.print(f"  question ({question['status']}): {question['question']}", markup=False)
        for c in detail["checkins"]:
            console.print(f"  check-in due {c['due_at'][:16]} {c['status']}", markup=False)
        dims = [d.id for d in svc.rubric.dimensions]
        console.print(text_chart(svc.trend_points(svc.pilot(pilot_id).id), dims), markup=False)


@pilots_app.command("add")
def add(
    assessment: str = typer.Option(..., "--from-assessment", help="The report's assessment_id."),
    name: str = typer.Option(..., "--name"),
    business_owner: str = typer.Option(
        None, "--business-owner", help="Optional: while missing it is the first gap and escalations go to the sponsor."
    ),
    sponsor: str = typer.Option(..., "--sponsor"),
    people: list[str] = typer.Option([], "--person", help="Someone to ask (repeatable)."),
    channel: str = typer.Option(None, "--channel", help="Slack channel or DM id."),
    tz: str = typer.Option("UTC", "--tz", help="IANA time zone, e.g. Europe/London."),
    cron: str = typer.Option(None, "--cron", help="Default: '0 9 * * MON'."),
) -> None:
    """Start weekly check-ins for a finished assessment."""
    with user_errors():
        svc = _service(full=True)
        pilot = svc.register_from_assessment(assessment, name, business_owner, sponsor, people, channel, tz, cron)
        console.print(
            f"Pilot {pilot.public_id} '{pilot.name}' registered; first check-in (a baseline) "
            f"{svc.summary(pilot.id).next_due:%Y-%m-%d %H:%M} UTC.",
            markup=False,
        )
        if pilot.business_owner is None:
            console.print(f"No business owner yet: escalations go to the sponsor. Name one with "
                          f"`coach pilots set-owner {pilot.public_id} <person>`.", markup=False)  # fmt: skip


@pilots_app.command("set-owner")
def set_owner(pilot_id: str = typer.Argument(..., help=PILOT_ID), business_owner: str = typer.Argument(...)) -> None:
    """Name a pilot's business owner (closes the missing-owner gap)."""
    with user_errors():
        pilot = _service().set_business_owner(pilot_id, business_owner)
        console.print(f"Pilot {pilot.public_id} '{pilot.name}': business owner {pilot.business_owner}.", markup=False)


def _control(action: str) -> None:
    def command(pilot_id: str = typer.Argument(..., help=PILOT_ID)) -> None:
        with user_errors():
            svc = _service()
            pilot = svc.control(action, pilot_id)
            nxt = svc.summary(pilot.id).next_due
            after = f"next check-in {nxt:%Y-%m-%d %H:%M} UTC" if nxt else "no check-ins until resumed"
            console.print(f"Pilot {pilot.public_id} '{pilot.name}': {action} done; {after}.", markup=False)

    command.__doc__ = f"{action.capitalize()} a pilot's weekly check-ins."
    pilots_app.command(action)(command)


for _action in ("pause", "resume", "snooze", "skip"):
    _control(_action)


@checkins_app.command("due")
def due(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """What is due now, and which pilots are stalled."""
    from bot.checkins.runner import Runner

    with user_errors():
        svc = _service()
        runner = Runner(svc)
        items = runner.due(svc.clock.now())
        stalled = runner.stalled()
        if as_json:  # named by public ids, like the API
            refs = {key: svc.pilot(key).public_id for key in {i.pilot_id for i in items}}
            out = {
                "due": [
                    {
                        "kind": i.kind,
                        "pilot_id": refs.get(i.pilot_id),
                        "pilot_name": i.pilot_name,
                        "due_at": i.due_at.isoformat(),
                    }
                    for i in items
                ],  # fmt: skip
                "stalled": [{"pilot_id": p.public_id, "name": p.name, "reasons": s.reasons} for p, s in stalled],
            }
            typer.echo(json.dumps(out, indent=2))
            return
        for i in items:
            console.print(f"{i.kind} for '{i.pilot_name}' due {i.due_at:%Y-%m-%d %H:%M} UTC")
        for p, s in stalled:
            console.print(f"[red]stalled[/red] '{p.name}': {'; '.join(s.reasons)}")
        if not items and not stalled:
            console.print("Nothing due, nothing stalled.")


@checkins_app.command("run")
def run() -> None:
    """Send what is due now (Slack when configured, else printed); safe to run from many hosts."""
    from bot.checkins.runner import Runner
    from bot.factory import notifier_for, worker_id

    with user_errors():
        svc = _service()
        notifier = notifier_for(svc.settings, svc, printer=typer.echo)
        worker = worker_id("cli:")
        report = Runner(svc).run_due(svc.clock.now(), notifier, worker)
        console.print(f"sent {len(report.sent)}, skipped {len(report.skipped)}, failed {len(report.failed)}")
        for failure in report.failed:
            console.print(f"[red]failed:[/red] {failure}")
        if report.failed:
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `coach pilots` and `coach checkins`."""
    app.add_typer(pilots_app, name="pilots")
    app.add_typer(checkins_app, name="checkins")
