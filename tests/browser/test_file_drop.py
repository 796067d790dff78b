"""The page's file drop: a document is assessed and its gap list quotes pages; a bad file gets its sentence."""

from __future__ import annotations

import base64
from typing import Any

from bot.limits import is_public_id
from tests.documents import fixtures as fx


def test_a_chosen_pdf_is_assessed_and_quoted_by_page(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.set_input_files(
        "#file-input", files=[{"name": "one-pager.pdf", "mimeType": "application/pdf", "buffer": fx.make_pdf()}]
    )
    page.wait_for_selector("#report:not([hidden]) .gap")
    assert "Assessed one-pager.pdf" in page.inner_text("#file-status")
    assert page.inner_text("#report-title") == "Gap list: one-pager.pdf"
    cites = page.locator(".evidence cite").all_inner_texts()
    assert any(c.strip() == "one-pager.pdf p.2" for c in cites), cites
    assert page.is_hidden("#dl-md") and page.is_visible("#dl-json")
    assert page.evaluate("document.activeElement.id") == "report-title"
    assert page.inner_text("#report-announce").startswith("Gap list ready. Verdict: ")
    # a document's report is stored too: it can be followed with weekly check-ins
    assessment = page.evaluate("state.report.assessment_id")
    assert is_public_id(assessment) and f"assessment {assessment}" in page.inner_text("#followup-id")
    with page.expect_download() as info:
        page.click("#dl-json")
    assert info.value.suggested_filename == "readiness-report-one-pager.json"
    assert not page.console_errors


def test_a_dropped_locked_pdf_gets_one_sentence(page: Any, base_url: str) -> None:
    page.goto(base_url)
    data = base64.b64encode(fx.make_pdf(password="pw")).decode()
    page.evaluate(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const drop = new DataTransfer();
            drop.items.add(new File([bytes], "locked.pdf", { type: "application/pdf" }));
            const event = new DragEvent("drop", { dataTransfer: drop, bubbles: true });
            document.getElementById("file-drop").dispatchEvent(event);
        }""",
        data,
    )
    page.wait_for_selector("#file-status.error")
    assert page.inner_text("#file-status").startswith("locked.pdf is encrypted")
    assert page.is_hidden("#report")
