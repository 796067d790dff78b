"""Loading the small trained heads (question heads, passage kinds, tense) from their plain JSON weights.

Each head is a JSON file written by a training script; loading it is the same for all of them: read,
build the model, check its shape. A missing, unreadable or malformed file is one ConfigError that
names the file and the command that rebuilds it (house style: errors a person can act on).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import ConfigError

Head = TypeVar("Head")
BROKEN = (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError)  # what a bad file raises while building


def load_head(
    path: Path,
    build: Callable[[dict[str, Any]], Head],
    *,
    what: str,
    rebuild: str,
    valid: Callable[[Head, dict[str, Any]], bool] = lambda _model, _meta: True,
) -> Head:
    """The head `build` makes from the JSON at `path`, checked by `valid`; a missing, broken or
    malformed file is one ConfigError naming `what` it is and the `rebuild` command to run."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise TypeError(f"{path} holds {type(meta).__name__}, not an object")
        model = build(meta)
        ok = valid(model, meta)
    except BROKEN as exc:
        raise ConfigError(f"The {what} {path} is missing or broken: run `{rebuild}`.") from exc
    if not ok:
        raise ConfigError(f"The {what} {path} is malformed: run `{rebuild}`.")
    return model
