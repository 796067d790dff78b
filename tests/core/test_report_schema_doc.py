"""docs/report-schema.md against the pydantic models it documents: a field on one side only fails."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot import models
from bot.models import REPORT_SCHEMA_VERSION, Report

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-schema.md"
MODELS = ["Report", "DimensionResult", "Gap", "OpenQuestion", "InPlace", "Disagreement", "Evidence", "Citation"]
_SECTION = re.compile(r"^## `(\w+)`\n(.*?)(?=^## |\Z)", re.M | re.S)
_FIELDS = re.compile(r"^\| ((?:`\w+`(?:, )?)+) \|", re.M)


def documented() -> dict[str, set[str]]:
    """Each `## \\`Model\\`` section's table, as the field names in its first column."""
    text = DOC.read_text(encoding="utf-8")
    return {
        name: {f for cell in _FIELDS.findall(body) for f in re.findall(r"`(\w+)`", cell)}
        for name, body in _SECTION.findall(text)
    }


def test_every_report_model_has_a_section() -> None:
    assert sorted(documented()) == sorted(MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_section_lists_exactly_the_model_fields(name: str) -> None:
    model: type[BaseModel] = getattr(models, name)
    doc = documented()[name]
    assert doc - set(model.model_fields) == set(), f"documented but not in {name}"
    assert set(model.model_fields) - doc == set(), f"in {name} but not documented"


def test_version_and_verdicts_match_the_model() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# Report JSON schema (version {REPORT_SCHEMA_VERSION})"
    row = next(line for line in text.splitlines() if line.startswith("| `verdict` |"))
    verdicts = set(typing.get_args(Report.model_fields["verdict"].annotation))
    assert set(re.findall(r"`(\w+)`", row)) - {"verdict"} == verdicts


def test_a_field_missing_from_the_doc_is_caught(tmp_path: Path) -> None:
    """The parser sees a dropped row: the comparison above can fail."""
    text = DOC.read_text(encoding="utf-8")
    assert "| `why_basis` |" in text
    without = {name: body for name, body in _SECTION.findall(text.replace("| `why_basis` |", "| why basis |"))}
    fields = {f for cell in _FIELDS.findall(without["Gap"]) for f in re.findall(r"`(\w+)`", cell)}
    assert "why_basis" not in fields and "why_basis" in models.Gap.model_fields
