"""One loader for the small trained heads: each shipped head loads, and a missing, broken or
malformed file is one error that names the file and the command that rebuilds it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from bot.reading.heads import load_head
from bot.reading.scope import HOWTO_PATH, MEANING_PATH, POLARITY_PATH, SCOPE_PATH, YESNO_PATH, load_scope
from bot.reading.tense import TENSE_PATH, load_tense
from bot.reading.unitkind import UNITKIND_PATH, load_unitkinds

LOADERS: list[tuple[Callable[[Path], Any], Path, str]] = [
    (load_scope, SCOPE_PATH, "make train-scope"),
    (load_scope, HOWTO_PATH, "make train-scope"),
    (load_unitkinds, UNITKIND_PATH, "make train-scope"),
    (load_tense, TENSE_PATH, "make train-tense"),
]


@pytest.mark.parametrize("path", [SCOPE_PATH, POLARITY_PATH, MEANING_PATH, YESNO_PATH, HOWTO_PATH])
def test_every_shipped_question_head_loads_with_its_version(path: Path) -> None:
    assert load_scope(path).version


@pytest.mark.parametrize(("load", "shipped", "command"), LOADERS)
def test_a_missing_file_names_itself_and_the_command_that_rebuilds_it(
    tmp_path: Path, load: Callable[[Path], Any], shipped: Path, command: str
) -> None:
    missing = tmp_path / shipped.name
    with pytest.raises(ConfigError, match="missing or broken") as err:
        load(missing)
    assert str(missing) in str(err.value) and f"`{command}`" in str(err.value)


@pytest.mark.parametrize("content", ["not json", "[1, 2]", "{}"])
@pytest.mark.parametrize(("load", "shipped", "command"), LOADERS)
def test_a_broken_file_is_one_actionable_error(
    tmp_path: Path, load: Callable[[Path], Any], shipped: Path, command: str, content: str
) -> None:
    path = tmp_path / shipped.name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=command):
        load(path)


@pytest.mark.parametrize(("load", "shipped", "command"), LOADERS)
def test_weights_of_the_wrong_shape_are_refused_as_malformed(
    tmp_path: Path, load: Callable[[Path], Any], shipped: Path, command: str
) -> None:
    meta = json.loads(shipped.read_text(encoding="utf-8"))
    path = tmp_path / shipped.name
    path.write_text(json.dumps({**meta, "weights": [[0.1, 0.2, 0.3]] * 3}), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"malformed: run `{command}`"):
        load(path)


def test_a_check_that_fails_is_reported_as_malformed_with_the_given_words(tmp_path: Path) -> None:
    path = tmp_path / "head.json"
    path.write_text(json.dumps({"size": 3}), encoding="utf-8")
    assert load_head(path, lambda m: m["size"], what="size model", rebuild="make size") == 3
    with pytest.raises(ConfigError, match=r"^The size model .*head.json is malformed: run `make size`\.$"):
        load_head(path, lambda m: m["size"], what="size model", rebuild="make size", valid=lambda n, _m: n > 3)
