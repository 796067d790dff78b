"""Prompts are files: YAML in `prompts/`, validated on load, rendered by LangChain's ChatPromptTemplate.

Templates use Python format syntax, as ChatPromptTemplate's f-string format does: `{name}` is a
variable and literal braces are doubled (`{{"status": "gap"}}`).
"""

from __future__ import annotations

import hashlib
import string
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.errors import ConfigError
from bot.knowledge import safe_load

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from langchain_core.prompts import ChatPromptTemplate

PROMPT_SUFFIXES = (".yaml", ".yml")


class PromptError(ConfigError):
    """A prompt file is broken or a prompt was rendered with the wrong variables."""

    code = "prompt_error"


def placeholders(text: str) -> set[str]:
    """The `{name}` variables in a template; doubled braces are literal. ValueError when malformed."""
    found = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"'{{{name}}}' is not a plain variable (write literal braces as {{{{ and }}}})")
        found.add(name)
    return found


class PromptTemplate(BaseModel):
    """One prompt file: a system and a user template with declared `{var}` variables."""

    model_config = ConfigDict(frozen=True, ignored_types=(cached_property,))
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str = ""
    variables: list[str] = Field(default_factory=list)
    system: str = Field(min_length=1)
    user: str = Field(min_length=1)

    @model_validator(mode="after")
    def _declared_match_used(self) -> PromptTemplate:
        used = placeholders(self.system) | placeholders(self.user)
        declared = set(self.variables)
        if undeclared := sorted(used - declared):
            raise ValueError(f"placeholders {undeclared} are used but not listed in 'variables'")
        if unused := sorted(declared - used):
            raise ValueError(f"'variables' lists {unused} but no template uses them")
        return self

    @cached_property
    def chat(self) -> ChatPromptTemplate:
        """The prompt as a LangChain ChatPromptTemplate (imported here: offline processes never need it)."""
        from langchain_core.prompts import ChatPromptTemplate

        return ChatPromptTemplate.from_messages([("system", self.system), ("human", self.user)])

    def check(self, variables: dict[str, Any]) -> None:
        """A missing or an unknown variable is a PromptError that names it."""
        if missing := sorted(set(self.variables) - set(variables)):
            raise PromptError(f"prompt '{self.name}' needs variable(s) {', '.join(missing)}")
        if extra := sorted(set(variables) - set(self.variables)):
            raise PromptError(f"prompt '{self.name}' has no variable(s) {', '.join(extra)}")

    def messages(self, **variables: object) -> list[BaseMessage]:
        """The system and user messages, filled; the wrong variables are a PromptError."""
        self.check(variables)
        return self.chat.format_messages(**{k: str(v) for k, v in variables.items()})

    def render(self, **variables: object) -> tuple[str, str]:
        """Fill both templates into (system, user) text."""
        system, user = self.messages(**variables)
        return str(system.content), str(user.content)


class PromptSet:
    """The prompts loaded from one folder, by name, with a combined version string."""

    def __init__(self, templates: dict[str, PromptTemplate]) -> None:
        self.templates = dict(sorted(templates.items()))

    def __contains__(self, name: object) -> bool:
        return name in self.templates

    @property
    def names(self) -> list[str]:
        """Prompt names, sorted."""
        return list(self.templates)

    @property
    def version(self) -> str:
        """Combined version: a short hash of every prompt's name, version and text."""
        digest = hashlib.sha256()
        for tpl in self.templates.values():
            digest.update(f"{tpl.name}\0{tpl.version}\0{tpl.system}\0{tpl.user}\0".encode())
        return f"prompts-{digest.hexdigest()[:12]}"

    def get(self, name: str) -> PromptTemplate:
        """The prompt with this name; a clear error when there is none."""
        try:
            return self.templates[name]
        except KeyError:
            raise PromptError(f"no prompt named '{name}'; add prompts/{name}.yaml") from None

    def render(self, name: str, **variables: object) -> tuple[str, str]:
        """Render a prompt by name into (system, user) text."""
        return self.get(name).render(**variables)

    def messages(self, name: str, **variables: object) -> list[BaseMessage]:
        """Render a prompt by name into chat messages."""
        return self.get(name).messages(**variables)

    def require(self, *names: str) -> None:
        """Fail clearly when any of these prompts is missing."""
        if missing := [n for n in names if n not in self.templates]:
            raise PromptError(f"missing prompt file(s) for {missing} in the prompts folder")


def _error_where(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"field '{where}': {first['msg']}"


def load_prompt(path: Path) -> PromptTemplate:
    """Load and validate one prompt file; errors name the file and the field."""
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: cannot read the prompt file ({exc})") from exc
    except yaml.YAMLError as exc:
        raise PromptError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise PromptError(f"{path}: a prompt file must be a mapping with name, system, user")
    try:
        tpl = PromptTemplate.model_validate(data)
    except ValidationError as exc:
        raise PromptError(f"{path}: {_error_where(exc)}") from exc
    if tpl.name != path.stem:
        raise PromptError(f"{path}: field 'name' is '{tpl.name}' but the file is '{path.stem}'")
    return tpl


def load_prompts(prompts_dir: Path) -> PromptSet:
    """Load every prompt file in a folder into a validated PromptSet."""
    if not prompts_dir.is_dir():
        raise PromptError(f"{prompts_dir}: prompts folder not found; check COACH_PROMPTS_DIR")
    files = sorted(p for p in prompts_dir.iterdir() if p.suffix in PROMPT_SUFFIXES)
    if not files:
        raise PromptError(f"{prompts_dir}: no prompt files (*.yaml) in the prompts folder")
    return PromptSet({tpl.name: tpl for tpl in map(load_prompt, files)})
