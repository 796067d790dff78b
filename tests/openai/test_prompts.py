"""Prompt files load, validate and render; wrong variables are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.prompts import PromptError, PromptTemplate, load_prompt, load_prompts, placeholders

PROMPTS_DIR = PROJECT_ROOT / "prompts"
REQUIRED = ["detect_agentic", "follow_up", "grounded_answer", "judge_dimension"]
PROMPT_FILES = sorted(PROMPTS_DIR.glob("*.yaml"))


def test_every_required_prompt_is_present() -> None:
    prompts = load_prompts(PROMPTS_DIR)
    assert set(REQUIRED) <= set(prompts.names)


@pytest.mark.parametrize("path", PROMPT_FILES, ids=[p.stem for p in PROMPT_FILES])
def test_each_prompt_renders_with_its_declared_variables(path: Path) -> None:
    tpl = load_prompt(path)
    values = {v: f"<<value of {v}>>" for v in tpl.variables}
    system, user = tpl.render(**values)
    rendered = system + user
    for var in tpl.variables:
        assert f"<<value of {var}>>" in rendered and "{" + var + "}" not in rendered
    assert "{{" not in rendered  # literal braces come out single
    assert tpl.name == path.stem and tpl.version


@pytest.mark.parametrize("path", PROMPT_FILES, ids=[p.stem for p in PROMPT_FILES])
def test_missing_variable_is_an_error(path: Path) -> None:
    tpl = load_prompt(path)
    values = {v: "x" for v in tpl.variables[1:]}
    with pytest.raises(PromptError, match=tpl.variables[0]):
        tpl.render(**values)


def test_unknown_extra_variable_is_an_error() -> None:
    prompts = load_prompts(PROMPTS_DIR)
    tpl = prompts.get("follow_up")
    values = {v: "x" for v in tpl.variables}
    with pytest.raises(PromptError, match="no variable.*colour"):
        prompts.render("follow_up", colour="red", **values)


def test_a_value_with_braces_is_not_rendered_again() -> None:
    tpl = PromptTemplate(name="t", version="1", variables=["a", "b"], system="{a}", user="{b}")
    system, user = tpl.render(a="{b}", b="B")
    assert (system, user) == ("{b}", "B")


def test_doubled_braces_in_a_template_are_literal() -> None:
    tpl = PromptTemplate(name="t", version="1", variables=["x"], system='{{"a": 1}}', user="{x}")
    assert placeholders(tpl.system) == set()
    assert tpl.render(x="1") == ('{"a": 1}', "1")


def test_the_prompt_is_a_chat_prompt_template_of_system_and_human_messages() -> None:
    tpl = load_prompts(PROMPTS_DIR).get("detect_agentic")
    assert sorted(tpl.chat.input_variables) == ["statements"]
    system, human = tpl.messages(statements="s")
    assert (system.type, human.type) == ("system", "human")


def test_a_single_brace_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "json.yaml").write_text("name: json\nversion: '1'\nsystem: 'reply {\"a\": 1}'\nuser: hi\n")
    with pytest.raises(PromptError, match=r"json\.yaml.*literal braces"):
        load_prompts(tmp_path)


def test_undeclared_placeholder_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nversion: '1'\nvariables: [a]\nsystem: '{a} {b}'\nuser: hi\n")
    with pytest.raises(PromptError, match=r"bad\.yaml.*\['b'\].*variables"):
        load_prompts(tmp_path)


def test_missing_field_names_the_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "nouser.yaml").write_text("name: nouser\nversion: '1'\nsystem: hi\n")
    with pytest.raises(PromptError, match=r"nouser\.yaml.*field 'user'"):
        load_prompts(tmp_path)


def test_name_must_match_the_file(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("name: two\nversion: '1'\nsystem: s\nuser: u\n")
    with pytest.raises(PromptError, match=r"one\.yaml.*'name'"):
        load_prompts(tmp_path)


def test_version_changes_when_a_prompt_changes(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nversion: '1'\nsystem: s\nuser: u\n")
    first = load_prompts(tmp_path).version
    assert load_prompts(tmp_path).version == first
    path.write_text("name: p\nversion: '2'\nsystem: s\nuser: u\n")
    assert load_prompts(tmp_path).version != first


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="prompts folder not found"):
        load_prompts(tmp_path / "nope")
