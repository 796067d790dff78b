"""Settings: the one place configuration is read (environment, `.env`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _split_list(value: object) -> object:
    """Accept a comma- or os.pathsep-separated string for list settings."""
    if isinstance(value, str):
        parts = value.replace(";", ",").split(",")
        return [p.strip() for p in parts if p.strip()]
    return value


class Settings(BaseSettings):
    """Everything the coach can be configured with; built by `get_settings()`."""

    model_config = SettingsConfigDict(env_prefix="COACH_", env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Path(".coach")
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    knowledge_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    chroma_url: str | None = None
    collection: str = "playbook"
    database_url: str | None = None
    engine: Literal["offline", "openai"] = "offline"
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "COACH_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "COACH_OPENAI_BASE_URL")
    )
    model: str = "gpt-4o-mini"
    llm_timeout: float = 30.0
    llm_max_retries: int = 2
    llm_max_tokens: int = 1200
    keep_original_transcript: bool = True
    max_message_chars: int = 8000
    max_document_chars: int = 100_000

    # HTTP API
    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    rate_limit_per_minute: int = 120

    # Slack
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "COACH_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "COACH_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "COACH_SLACK_APP_TOKEN")
    )
    slack_api_url: str | None = None

    # Check-ins
    scheduler_enabled: bool = True
    stall_weeks: int = 3

    @field_validator("knowledge_dirs", "api_keys", mode="before")
    @classmethod
    def _lists(cls, value: object) -> object:
        return _split_list(value)

    @property
    def all_knowledge_dirs(self) -> list[Path]:
        """The playbook folder first, then the user's own document folders."""
        return [self.knowledge_dir, *self.knowledge_dirs]

    @property
    def chroma_path(self) -> Path:
        """Where the embedded Chroma keeps its files."""
        return self.data_dir / "chroma"

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to SQLite under the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'coach.db').resolve()}"

    @property
    def slack_enabled(self) -> bool:
        """Slack runs only when a bot token and signing secret are both set."""
        return bool(self.slack_bot_token and self.slack_signing_secret)


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment and `.env`, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
