"""Settings: the one place configuration is read (environment, `.env`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_API_KEY_CHARS = 16
SHORT_KEY = (
    f"every key must be at least {MIN_API_KEY_CHARS} characters long: "
    "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
)


def _split_list(value: object) -> object:
    """Accept a comma- or os.pathsep-separated string for list settings."""
    if isinstance(value, str):
        parts = value.replace(";", ",").split(",")
        return [p.strip() for p in parts if p.strip()]
    return value


class Settings(BaseSettings):
    """Everything the coach can be configured with; built by `get_settings()`."""

    # hide_input_in_errors: a rejected value (an API key, a token) is never echoed in the error
    model_config = SettingsConfigDict(
        env_prefix="COACH_", env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    data_dir: Path = Path(".coach")
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    knowledge_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    chroma_url: str | None = None
    collection: str = "playbook"
    database_url: str | None = None
    # upgrade the database schema (Alembic) when a process opens it; off: run `coach db upgrade`
    db_auto_migrate: bool = True
    engine: Literal["offline", "openai"] = "offline"
    # offline answers re-ordered by the trained question-vs-unit reranker in bot/assets/rerank (when shipped)
    rerank: bool = False
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
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)  # fixed, with the seed, so runs repeat
    llm_seed: int | None = 7  # None for a server that rejects `seed`
    # structured output: json_schema, json_object (a server without json_schema, e.g. llama.cpp),
    # or auto (json_schema until the server rejects it, then json_object with the schema)
    llm_json_mode: Literal["auto", "json_schema", "json_object"] = "auto"
    llm_prices_file: Path | None = None  # model prices per million tokens; None: bot/assets/llm_prices.yaml
    llm_turn_budget: float = Field(default=20.0, gt=0)  # seconds of LLM work per turn, retries included
    llm_breaker_failures: int = Field(default=5, ge=1)  # model failures within the window that open the circuit
    llm_breaker_window: float = Field(default=60.0, gt=0)  # seconds
    llm_breaker_cooldown: float = Field(default=30.0, gt=0)  # seconds on the offline engine before one trial call
    keep_original_transcript: bool = True
    max_message_chars: int = 8000
    max_document_chars: int = 100_000
    max_upload_bytes: int = 20_000_000  # a PDF/DOCX/PPTX/HTML file to assess or index

    # HTTP API
    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    rate_limit_per_minute: int = 120
    # wrong API keys one client address may send per minute before it gets 429 (0: no limit)
    key_failures_per_minute: int = 10
    # without API keys the API answers only Host localhost, 127.0.0.1 or [::1] (any port), plus these
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)

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
    # the shortest time between two check-ins a pilot's cron may ask for
    checkin_min_interval_minutes: int = Field(default=60, ge=1)

    @field_validator("knowledge_dirs", "api_keys", "allowed_hosts", mode="before")
    @classmethod
    def _lists(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("llm_seed", "llm_prices_file", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in ("", "none") else value

    @field_validator("api_keys")
    @classmethod
    def _long_keys(cls, keys: list[SecretStr]) -> list[SecretStr]:
        if any(len(k.get_secret_value()) < MIN_API_KEY_CHARS for k in keys):
            raise ValueError(SHORT_KEY)
        return keys

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
    """Build settings from the environment and `.env`; a bad value is a one-sentence ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(settings_problem(exc)) from None


def settings_problem(exc: ValidationError) -> str:
    """'COACH_PORT: Input should be a valid integer.' for the first bad setting (never its value)."""
    first = exc.errors()[0]
    name = str(first["loc"][0]) if first.get("loc") else ""
    variable = (name if name.isupper() else f"COACH_{name.upper()}") if name else "the configuration"
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{variable}: {message if message.endswith('.') else message + '.'}"
