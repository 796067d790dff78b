"""The gate's policy as data: roles, who owns which area's items, due dates and decision rules."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from bot.config import PROJECT_ROOT
from bot.errors import InvalidInput
from bot.knowledge import KnowledgeError

GATE_FILE = "gate.yaml"
DEFAULT_DIR = PROJECT_ROOT / "knowledge"


class DecisionRule(BaseModel):
    """What one decision needs: every role signed with one of `signoffs`, and open items allowed or not."""

    signoffs: list[str] | None = None
    open_items: bool = True


class GatePolicy(BaseModel):
    """`knowledge/gate.yaml`, validated."""

    version: str
    roles: dict[str, str] = Field(min_length=1)
    item_roles: dict[str, str]
    due_days: dict[str, int]
    signoffs: list[str] = Field(min_length=1)
    decisions: dict[str, DecisionRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> GatePolicy:
        unknown = {r for r in self.item_roles.values() if r not in self.roles}
        for rule in self.decisions.values():
            unknown |= {s for s in rule.signoffs or [] if s not in self.signoffs}
        if unknown:
            raise ValueError(f"unknown role or sign-off {sorted(unknown)}")
        return self

    def check_role(self, role: str) -> None:
        """InvalidInput naming the roles when `role` is not one."""
        if role not in self.roles:
            raise InvalidInput(f"Unknown role {role!r}: use one of {', '.join(self.roles)}.")

    def check_signoff(self, value: str) -> None:
        """InvalidInput naming the answers when `value` is not one."""
        if value not in self.signoffs:
            raise InvalidInput(f"Unknown sign-off {value!r}: use one of {', '.join(self.signoffs)}.")

    def rule(self, decision: str) -> DecisionRule:
        """The rule of a decision, or InvalidInput naming the decisions."""
        if decision not in self.decisions:
            raise InvalidInput(f"Unknown decision {decision!r}: use one of {', '.join(self.decisions)}.")
        return self.decisions[decision]


def load_gate_policy(knowledge_dir: Path) -> GatePolicy:
    """Load and validate `gate.yaml` from the playbook folder (the project's own when the folder has
    none, so a playbook written before the gate still serves); errors name the file and the field."""
    path = knowledge_dir / GATE_FILE
    if not path.exists() and knowledge_dir.is_dir():
        path = DEFAULT_DIR / GATE_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return GatePolicy.model_validate(data)
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{path}: gate policy file not found") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({exc})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise KnowledgeError(f"{path}: {where}: {first['msg']}") from exc
