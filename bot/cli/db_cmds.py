"""`coach db upgrade|status`: the database schema, for deployments that turn start-up upgrades off."""

from __future__ import annotations

import typer

from bot.cli.common import console, settings_from_cli, user_errors

db_app = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Upgrade the database schema to this version's (idempotent; safe while replicas start)."""
    from bot.factory import upgrade_schema

    with user_errors():
        state, where = upgrade_schema(settings_from_cli())
    if state.adopted:
        console.print(f"Adopted the database at {where}, made before migrations, at revision {state.after}.")
    elif state.before == state.after:
        console.print(f"The database at {where} is already at revision {state.after}; nothing to do.")
    else:
        console.print(f"Upgraded the database at {where} from revision {state.before or 'none'} to {state.after}.")


@db_app.command("status")
def status_command() -> None:
    """Print the database's schema revision and this version's; exit 1 when an upgrade is due."""
    from bot.factory import read_schema

    with user_errors():
        state = read_schema(settings_from_cli())
    console.print(f"database revision: {state.after or 'none'}\nthis version's:    {state.head}")
    if not state.current:
        console.print("Run `coach db upgrade` to bring it up to date.")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `coach db` to the main app."""
    app.add_typer(db_app, name="db")
