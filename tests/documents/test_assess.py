"""One-shot assessment from a file, in the core, the CLI and the API: same report as the text pasted in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.config import Settings
from bot.models import Report
from bot.render import to_markdown
from bot.service import Coach
from tests.api.test_errors import error_of
from tests.documents import fixtures as fx

FORMATS = {
    "pdf": fx.make_pdf,
    "docx": lambda: fx.make_docx(extras=False),
    "pptx": lambda: fx.make_pptx(extras=False),
    "html": lambda: fx.make_html(extras=False),
}
# where the "Budget: ..." line sits in each fixture
BUDGET_AT = {"pdf": "p.2", "pptx": "slide 3", "docx": "§ Ownership and people", "html": "§ Ownership and people"}


def _outcome(report: Report) -> tuple[object, ...]:
    """What a team acts on: verdict, each area's reading, the gaps in order, and the quotes' words."""
    areas = [(d.id, d.status, d.severity, d.level) for d in report.dimensions]
    quotes = sorted(" ".join(e.quote.split()) for g in report.gaps for e in g.evidence)
    return report.verdict, areas, [(g.dimension, g.severity) for g in report.gaps], quotes


@pytest.fixture(scope="module")
def pasted(coach: Coach) -> Report:
    return coach.assess_text(fx.pasted_text())


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_a_document_gets_the_same_assessment_as_its_text_pasted_in(coach: Coach, pasted: Report, kind: str) -> None:
    report = coach.assess_file(FORMATS[kind](), f"one-pager.{kind}")
    assert pasted.verdict == "not_ready" and len(pasted.gaps) >= 4  # the fixture has real gaps to find
    assert _outcome(report) == _outcome(pasted)
    budget = [e for g in report.gaps for e in g.evidence if e.quote.startswith("Budget")]
    assert [e.author for e in budget] == [f"one-pager.{kind} {BUDGET_AT[kind]}"]
    assert all(e.author is None for g in pasted.gaps for e in g.evidence)


def test_the_markdown_report_shows_the_page_of_each_quote(coach: Coach) -> None:
    md = to_markdown(coach.assess_file(fx.make_pdf(), "brief.pdf"))
    assert "(brief.pdf p.2)" in md and "(brief.pdf p.3)" in md


@pytest.fixture
def cli(doc_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COACH_DATA_DIR", str(doc_settings.data_dir))
    monkeypatch.delenv("COACH_ENGINE", raising=False)
    _register_all()
    return CliRunner()


@pytest.mark.parametrize("kind", ["pdf", "pptx"])
def test_cli_assess_reads_a_document(cli: CliRunner, tmp_path: Path, pasted: Report, kind: str) -> None:
    path = tmp_path / f"brief.{kind}"
    path.write_bytes(FORMATS[kind]())
    result = cli.invoke(app, ["assess", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert _outcome(Report.model_validate(json.loads(result.output))) == _outcome(pasted)


def test_cli_assess_of_a_locked_pdf_is_one_sentence(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(fx.make_pdf(password="pw"))
    result = cli.invoke(app, ["assess", str(path)])
    assert result.exit_code == 1 and "locked.pdf is encrypted" in result.output
    assert "Traceback" not in result.output


def test_cli_assess_of_a_file_over_the_limit_names_it(cli: CliRunner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COACH_MAX_UPLOAD_BYTES", "1000")
    path = tmp_path / "big.pdf"
    path.write_bytes(fx.make_pdf())
    result = cli.invoke(app, ["assess", str(path)])
    assert result.exit_code == 1 and "over the upload limit of 0.0 MB" in result.output.replace("\n", " ")


# --- the API ------------------------------------------------------------------------------------


def _upload(client: TestClient, name: str, data: bytes, **form: str) -> object:
    return client.post("/v1/assessments", files={"file": (name, data, "application/octet-stream")}, data=form)


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_api_assesses_an_uploaded_document(client: TestClient, coach: Coach, pasted: Report, kind: str) -> None:
    resp = _upload(client, f"one-pager.{kind}", FORMATS[kind](), pilot_name="Invoices")
    assert resp.status_code == 200, resp.text  # type: ignore[attr-defined]
    report = Report.model_validate(resp.json())  # type: ignore[attr-defined]
    assert _outcome(report) == _outcome(pasted) and report.assessment_id
    assert report.pilot_name == "Invoices"
    stored = coach.store.get_assessment(report.assessment_id).report
    assert _outcome(stored) == _outcome(report) and stored.gaps[0].evidence[0].author.startswith(f"one-pager.{kind}")


def test_api_still_takes_json_text(client: TestClient, pasted: Report) -> None:
    resp = client.post("/v1/assessments", json={"text": fx.pasted_text()})
    assert resp.status_code == 200 and _outcome(Report.model_validate(resp.json())) == _outcome(pasted)
    error_of(client.post("/v1/assessments", json={"txt": "x"}), 422, "invalid_request")
    bad = client.post("/v1/assessments", content=b"{", headers={"content-type": "application/json"})
    assert "not valid JSON" in error_of(bad, 422, "invalid_request")


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("locked.pdf", fx.make_pdf(password="pw"), "is encrypted"),
        ("scan.pdf", fx.make_scanned_pdf(), "no text to read"),
        ("brief.pdf", fx.make_docx(), "is really a Word document"),
        ("budget.xlsx", b"PK\x03\x04junk", "not supported"),
    ],
)
def test_api_refuses_a_bad_upload_with_one_sentence(client: TestClient, name: str, data: bytes, needle: str) -> None:
    message = error_of(_upload(client, name, data), 422, "unreadable_document")  # type: ignore[arg-type]
    assert needle in message


def test_api_upload_without_a_file_field_says_what_to_send(client: TestClient) -> None:
    resp = client.post("/v1/assessments", data={"pilot_name": "x"}, files={"other": ("a.txt", b"x")})
    assert "multipart field `file`" in error_of(resp, 422, "invalid_input")


def test_api_upload_over_the_limit_is_413_naming_the_limit(doc_settings: Settings, coach: Coach) -> None:
    from bot.factory import create_app

    small = doc_settings.model_copy(update={"max_upload_bytes": 5_000})
    with TestClient(create_app(small, coach), base_url="http://localhost") as c:
        resp = _upload(c, "big.pdf", b"%PDF-1.7\n" + b"0" * 40_000)
        assert "COACH_MAX_UPLOAD_BYTES" in error_of(resp, 413, "too_large")  # type: ignore[arg-type]
        # a JSON body keeps the text limit, whatever the upload limit
        assert c.post("/v1/assessments", json={"text": fx.pasted_text()}).status_code == 200
