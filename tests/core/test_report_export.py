"""Report export for a steerco: print-ready HTML, DOCX, the CLI and the web page's print stylesheet."""

from __future__ import annotations

import html
import re
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.config import Settings
from bot.models import Evidence, Report
from bot.render_html import to_html
from bot.service import Coach
from tests.api.script import ANSWERS

HOSTILE = '<img src=x onerror="alert(1)">'
CSS = Path(__file__).resolve().parents[2] / "bot" / "web" / "app.css"


def _hostile_report(coach: Coach) -> Report:
    report = coach.assess_text("We have no monitoring and no rollback. Compliance has not reviewed it.")
    assert report.gaps, "the text must leave gaps to render"
    gaps = [
        g.model_copy(update={"evidence": [*g.evidence, Evidence(quote=f"quote {HOSTILE}", author=f"Pri {HOSTILE}")]})
        for g in report.gaps
    ]
    return report.model_copy(update={"pilot_name": f"Triage {HOSTILE}", "gaps": gaps, "summary": HOSTILE})


def test_html_escapes_every_team_string(coach: Coach) -> None:
    page = to_html(_hostile_report(coach))
    assert "<img" not in page and 'onerror="' not in page
    assert html.escape(HOSTILE) in page  # shown as text, not dropped
    assert page.count(f"Pri {html.escape(HOSTILE)}") == len(_hostile_report(coach).gaps)


def test_html_holds_every_gap_with_severity_evidence_and_actions(coach: Coach) -> None:
    report = coach.assess_text("We have no monitoring and no rollback. Compliance has not reviewed it.")
    page = to_html(report)
    assert page.count('<section class="gap">') == len(report.gaps)
    for i, g in enumerate(report.gaps, 1):
        assert f'{i}. {html.escape(g.title)} <span class="badge {g.severity}">{g.severity}</span>' in page
        for e in g.evidence:
            assert html.escape(e.quote) in page
        for a in g.actions:
            assert f"<li>{html.escape(a)}</li>" in page
    reader = report.reader_version.removeprefix("reader-")
    assert f"and reader {html.escape(reader or 'none')}" in page and "<footer>" in page
    assert "prompts-" not in page and ".md#" not in page  # versions and citations in words, no ids
    assert "@page { size: A4" in page and "break-inside: avoid" in page
    assert "<link" not in page and "<script" not in page and "src=" not in page  # self-contained


@pytest.fixture
def cli(indexed_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COACH_DATA_DIR", str(indexed_settings.data_dir))
    monkeypatch.delenv("COACH_ENGINE", raising=False)
    _register_all()
    return CliRunner()


def _session(coach: Coach) -> str:
    sid = coach.start_session(pilot_name=f"Triage {HOSTILE}").session_id
    for text in ANSWERS[:6]:
        coach.send_message(sid, text)
    return sid


def test_cli_writes_the_html_report(cli: CliRunner, coach: Coach, tmp_path: Path) -> None:
    sid = _session(coach)
    out = tmp_path / "steerco.html"
    result = cli.invoke(app, ["report", sid, "--format", "html", "--output", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    report = coach.report(sid)
    assert f"Readiness report: Triage {html.escape(HOSTILE)}" in page and "<img" not in page
    assert page.count('<section class="gap">') == len(report.gaps) > 0
    printed = cli.invoke(app, ["report", sid, "--format", "html"])
    assert printed.exit_code == 0 and printed.output.startswith("<!doctype html>")


def test_cli_docx_opens_and_holds_the_gaps(cli: CliRunner, coach: Coach, tmp_path: Path) -> None:
    sid = _session(coach)
    out = tmp_path / "steerco.docx"
    result = cli.invoke(app, ["report", sid, "--format", "docx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    report = coach.report(sid)
    doc = docx.Document(str(out))
    table = doc.tables[0]
    assert len(table.rows) == len(report.gaps) + 1 > 1
    assert [r.cells[1].text for r in table.rows[1:]] == [g.title for g in report.gaps]
    assert [r.cells[2].text for r in table.rows[1:]] == [g.severity for g in report.gaps]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert f"Readiness report: Triage {HOSTILE}" in headings  # plain text in Word, not markup
    quotes = {p.text for p in doc.paragraphs if p.style.name == "Quote"}
    assert all(any(e.quote in q for q in quotes) for g in report.gaps for e in g.evidence)


def test_cli_docx_without_a_file_and_unknown_formats_are_one_line(cli: CliRunner, coach: Coach) -> None:
    sid = _session(coach)
    for args, needle in ((["--format", "docx"], "--output"), (["--format", "pdf"], "Unknown format")):
        result = cli.invoke(app, ["report", sid, *args])
        assert result.exit_code == 1 and needle in result.output and "Traceback" not in result.output


def _print_block(css: str) -> str:
    start = css.index("@media print")
    depth, i = 0, css.index("{", start)
    for j in range(i, len(css)):
        depth += {"{": 1, "}": -1}.get(css[j], 0)
        if depth == 0:
            return css[i : j + 1]
    raise AssertionError("unclosed @media print block")


def test_web_print_stylesheet_hides_the_composer_and_controls() -> None:
    block = _print_block(CSS.read_text(encoding="utf-8"))
    rule = re.search(r"([^{}]*)\{\s*display:\s*none", block)
    assert rule is not None
    hidden = {s.strip() for s in rule.group(1).split(",")}
    assert {".composer", ".header-actions", "button", ".downloads"} <= hidden
    assert "break-inside: avoid" in block
