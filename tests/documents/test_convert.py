"""Converting real small documents made here: structure kept, and one clear sentence for each bad input."""

from __future__ import annotations

import re

import pytest

from bot.chunking import chunk_document, split_located_sections
from bot.documents.convert import convert_bytes
from bot.documents.errors import DocumentError, DocumentTooLarge
from bot.knowledge import Document, FrontMatter
from tests.documents import fixtures as fx


def _headings(markdown: str) -> list[str]:
    return re.findall(r"^#{1,6} (.+)$", markdown, re.M)


def test_pdf_keeps_headings_paragraphs_and_pages() -> None:
    doc = convert_bytes(fx.make_pdf(), "acme-policy.pdf")
    assert doc.kind == "pdf" and doc.units == 3
    assert _headings(doc.markdown) == [fx.TITLE, *(h for h, _ in fx.SECTIONS)]
    assert "# Invoice triage pilot" in doc.markdown  # the largest type is the top level
    runs = dict(doc.located())
    assert fx.SECTIONS[1][1][0] in runs["p.2"] and fx.SECTIONS[2][1][1] in runs["p.3"]
    # each paragraph is its own block, as the statement reader expects
    assert "\n\n" + fx.SECTIONS[0][1][1] in runs["p.1"]


def test_docx_keeps_headings_lists_and_tables_in_order() -> None:
    md = convert_bytes(fx.make_docx(), "brief.docx").markdown
    assert _headings(md) == [fx.TITLE, *(h for h, _ in fx.SECTIONS), "Next steps", "Numbers"]
    assert md.index("## Data and systems") < md.index(fx.SECTIONS[0][1][0]) < md.index("## Ownership and people")
    assert "- Name an owner for the data refresh\n- Book the compliance review\n1. Connect the ERP" in md
    assert "| Metric | Pilot | Target |\n|---|---|---|\n| Invoices per day | 40 | 2000 |" in md


def test_pptx_has_a_marker_title_and_bullets_per_slide() -> None:
    doc = convert_bytes(fx.make_pptx(), "steerco.pptx")
    assert doc.units == 5
    runs = doc.located()
    assert [where for where, _ in runs] == [f"slide {n}" for n in range(1, 6)]
    assert "## Ownership and people" in runs[2][1] and f"- {fx.SECTIONS[1][1][0]}" in runs[2][1]
    assert "| Invoices per day | 40 | 2000 |" in runs[4][1]


def test_html_export_keeps_the_content_and_drops_the_page_chrome() -> None:
    md = convert_bytes(fx.make_html(), "pilot-page.html").markdown
    assert _headings(md) == [fx.TITLE, *(h for h, _ in fx.SECTIONS), "Next steps"]
    assert "- Name an owner for the data refresh" in md
    assert "| Metric | Pilot | Target |" in md
    for chrome in ("Spaces", "Powered by Atlassian", "trackPageView", "font: 12px", "Finance"):
        assert chrome not in md


def test_chunks_of_a_deck_and_a_pdf_carry_their_slide_and_page() -> None:
    for name, data, expected in [("deck.pptx", fx.make_pptx(), "slide 3"), ("policy.pdf", fx.make_pdf(), "p.2")]:
        body = convert_bytes(data, name).markdown
        doc = Document(path=None, source=name, meta=FrontMatter(id="x", title=name), body=body)  # type: ignore[arg-type]
        chunks = chunk_document(doc)
        owning = [c for c in chunks if fx.SECTIONS[1][1][0] in c.text]
        assert [c.location for c in owning] == [expected]
        assert owning[0].section == "ownership-and-people" and owning[0].metadata()["location"] == expected


def test_a_heading_carries_across_a_page_break() -> None:
    body = "# Policy\n\nIntro.\n\n<!-- page 2 -->\n\nStill under the policy heading.\n\n## Scope\n\nScope text."
    sections = split_located_sections(body)
    assert [(s[1], s[3]) for s in sections] == [("Policy", ""), ("Policy", "p.2"), ("Policy > Scope", "p.2")]


# --- bad input: one clear sentence each --------------------------------------------------------


def _refused(data: bytes, name: str, **kw: int) -> str:
    with pytest.raises((DocumentError, DocumentTooLarge)) as info:
        convert_bytes(data, name, **kw)
    message = str(info.value)
    assert message.count(". ") <= 1 and "Traceback" not in message and "\n" not in message
    return message


def test_an_encrypted_pdf_is_named_encrypted() -> None:
    assert "is encrypted" in _refused(fx.make_pdf(password="s3cret"), "locked.pdf")


def test_a_scanned_pdf_has_no_text_to_read() -> None:
    message = _refused(fx.make_scanned_pdf(), "scan.pdf")
    assert "no text to read" in message and "OCR is out of scope" in message


def test_a_file_over_the_upload_limit_names_the_limit() -> None:
    data = fx.make_pdf()
    message = _refused(data, "big.pdf", max_bytes=len(data) - 1)
    assert f"{(len(data) - 1) / 1e6:.1f} MB" in message and "COACH_MAX_UPLOAD_BYTES" in message


def test_a_zip_bomb_docx_names_the_safe_limit() -> None:
    bomb = fx.make_zip_bomb()
    assert len(bomb) < 2_000_000  # small on disk...
    message = _refused(bomb, "bomb.docx", max_bytes=20_000_000)
    assert "expands to" in message and "over the safe limit of 200.0 MB" in message


@pytest.mark.parametrize(
    ("name", "make", "real"),
    [
        ("brief.pdf", fx.make_docx, "a Word document (.docx)"),
        ("deck.docx", fx.make_pptx, "a PowerPoint deck (.pptx)"),
        ("notes.txt", fx.make_pdf, "a PDF (.pdf)"),
        ("steerco.pptx", fx.make_html, "an HTML page (.html)"),
    ],
)
def test_an_extension_that_lies_names_the_real_type(name: str, make: object, real: str) -> None:
    assert f"is really {real}" in _refused(make(), name)  # type: ignore[operator]


@pytest.mark.parametrize("name", ["budget.xlsx", "scan.png", "old.doc", "archive"])
def test_an_unsupported_type_lists_the_supported_ones(name: str) -> None:
    message = _refused(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), name)
    assert "not supported" in message
    for kind in ("PDF (.pdf)", "Word (.docx)", "PowerPoint (.pptx)", "HTML (.html)", "Markdown (.md)"):
        assert kind in message


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("empty.pdf", b"", "is empty"),
        ("blank.docx", b"  \n", "is empty"),
        ("cut.pdf", fx.make_pdf()[:400], "cannot be read as a PDF"),
        ("cut.docx", fx.make_docx()[:2000], "cannot be read as a Word document"),
        ("noise.pptx", bytes(range(256)) * 8, "cannot be read as a PowerPoint deck"),
    ],
)
def test_empty_and_damaged_files_say_so(name: str, data: bytes, needle: str) -> None:
    assert needle in _refused(data, name)


def test_a_sharepoint_export_keeps_only_the_main_region() -> None:
    page = (
        '<html><body><div class="ms-quicklaunch">Quick links: Team site, Recycle bin</div>'
        '<div role="main"><h1>Pilot brief</h1><p>Data: exported by hand weekly.</p></div>'
        '<div class="ms-footer">Last modified by Jane</div></body></html>'
    )
    md = convert_bytes(page.encode(), "brief.htm").markdown
    assert md == "# Pilot brief\n\nData: exported by hand weekly.\n"


def test_a_section_heading_shown_with_quotes_is_redacted() -> None:
    from bot.documents.statements import located_statements

    page = b"<html><body><h2>Call with jane.doe@acme.com</h2><p>Data: exported by hand weekly.</p></body></html>"
    doc = convert_bytes(page, "notes.html")
    [statement] = located_statements(doc.name, doc.located(), [])
    assert statement.author == "notes.html \u00a7 Call with [EMAIL]"


def test_a_pdf_body_line_starting_with_a_hash_is_not_a_heading() -> None:
    md = convert_bytes(
        fx.make_pdf([("Config", ["# generated file: do not edit", "Data: refreshed nightly."])]), "c.pdf"
    )
    assert "\\# generated file: do not edit" in md.markdown
    assert _headings(md.markdown) == [fx.TITLE, "Config"]
