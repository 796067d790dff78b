"""The schema's Alembic migrations (versions/) and the runner that applies them under a lock."""

from bot.store.migrations.runner import (
    SchemaState,
    alembic_config,
    head_revision,
    prepare_schema,
    schema_state,
    upgrade_database,
)

__all__ = ["SchemaState", "alembic_config", "head_revision", "prepare_schema", "schema_state", "upgrade_database"]
