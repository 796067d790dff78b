"""`coach slack --socket`: the Slack app over Socket Mode (no public HTTPS URL needed)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import typer

from bot.cli.common import console, err_console, settings_from_cli, user_errors

if TYPE_CHECKING:
    from bot.config import Settings
from bot.errors import ConfigError

MISSING_TOKENS = (
    "Set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (an app-level token with connections:write) "
    "to run Socket Mode; see docs/slack.md."
)
HTTP_HINT = "HTTP mode runs inside `coach serve`; `coach slack --socket` needs no public URL."


def socket_tokens_missing(settings: Settings) -> bool:
    """True when Socket Mode cannot start for lack of a bot or app-level token."""
    tokens = (settings.slack_bot_token, settings.slack_app_token)
    return not all(t and t.get_secret_value().strip() for t in tokens)


def slack(
    socket: bool = typer.Option(False, "--socket", help="Connect over Socket Mode."),
) -> None:
    """Run the Slack app (Socket Mode)."""
    if not socket:
        console.print(HTTP_HINT)
        raise typer.Exit(0)
    settings = settings_from_cli()
    if socket_tokens_missing(settings):
        err_console.print(f"[red]error:[/red] {MISSING_TOKENS}")
        raise typer.Exit(2)
    with user_errors():
        _run_socket_mode(settings)


def _run_socket_mode(settings: Settings) -> None:
    """Build the coach and the Bolt app, then hold the Socket Mode connection open."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bot.factory import INBOX_SECONDS, build_bolt, build_checkins, build_coach, inbox_job
    from bot.periodic import Runner
    from bot.slack.app import DEFAULT_API_URL

    coach = build_coach(settings)
    app = build_bolt(settings, coach, build_checkins(coach), socket_mode=True)
    assert settings.slack_app_token is not None
    handler = SocketModeHandler(
        app,
        app_token=settings.slack_app_token.get_secret_value(),
        web_client=WebClient(base_url=settings.slack_api_url or DEFAULT_API_URL),
    )
    try:
        handler.connect()
    except SlackApiError as exc:
        raise ConfigError(
            f"Slack refused SLACK_APP_TOKEN ({exc.response.get('error')}): create an app-level "
            "token with connections:write under Basic Information and set SLACK_APP_TOKEN."
        ) from exc
    console.print("[green]Connected to Slack over Socket Mode.[/green] Ctrl-C to stop.")
    jobs = Runner()
    jobs.add("slack-inbox", inbox_job(app, coach), INBOX_SECONDS)
    jobs.start()  # replays messages a previous run acknowledged but never stored
    try:
        threading.Event().wait()
    finally:
        jobs.stop()


def register(app: typer.Typer) -> None:
    """Add `coach slack` to the CLI."""
    app.command()(slack)
