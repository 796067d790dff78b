"""Small real documents made in the test: a pilot one-pager as PDF, DOCX, PPTX and an HTML export."""

from __future__ import annotations

import io
import zipfile

TITLE = "Invoice triage pilot"
# (heading, paragraphs): one section per PDF page and per slide
SECTIONS = [
    (
        "Data and systems",
        [
            "Data: the pilot ran on a spreadsheet that an analyst cleans by hand every Monday.",
            "Systems: nothing is connected to the ERP yet; results are copied into it by hand.",
        ],
    ),
    (
        "Ownership and people",
        [
            "Budget: nobody has agreed to fund the model after the pilot ends.",
            "Users: the accounts payable clerks have not seen the tool yet.",
        ],
    ),
    (
        "Risk and operations",
        [
            "Compliance: legal and security have not reviewed the pilot.",
            "Monitoring: there is no monitoring and no rollback plan.",
        ],
    ),
]
TABLE = [["Metric", "Pilot", "Target"], ["Invoices per day", "40", "2000"], ["Accuracy", "91%", "97%"]]
FACT = "The vendor escrow threshold for invoice triage is 4,250 euros per invoice."


def pasted_text() -> str:
    """The same one-pager as a team would paste it."""
    parts = [TITLE]
    for heading, paragraphs in SECTIONS:
        parts += [f"## {heading}", *paragraphs]
    return "\n\n".join(parts) + "\n"


def make_pdf(pages: list[tuple[str, list[str]]] | None = None, password: str | None = None) -> bytes:
    """A PDF: a title, one section per page with a bold heading, body paragraphs."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    for number, (heading, paragraphs) in enumerate(pages or SECTIONS):
        pdf.add_page()
        if number == 0:
            pdf.set_font("Helvetica", "B", 22)
            pdf.cell(text=TITLE)
            pdf.ln(14)
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(text=heading)
        pdf.ln(10)
        pdf.set_font("Helvetica", size=11)
        for paragraph in paragraphs:
            pdf.multi_cell(w=0, text=paragraph)
            pdf.ln(5)
    if password:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    return bytes(pdf.output())


def make_scanned_pdf() -> bytes:
    """A PDF whose pages hold only drawings, no text layer (as a scan would)."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 120, 60, style="F")
    return bytes(pdf.output())


def make_docx(extras: bool = True) -> bytes:
    """A Word document: title, headings and, with `extras`, a bulleted list, a numbered list and a table."""
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=0)
    for heading, paragraphs in SECTIONS:
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    if not extras:
        return _save(document)
    document.add_heading("Next steps", level=1)
    document.add_paragraph("Name an owner for the data refresh", style="List Bullet")
    document.add_paragraph("Book the compliance review", style="List Bullet")
    document.add_paragraph("Connect the ERP", style="List Number")
    document.add_heading("Numbers", level=2)
    table = document.add_table(rows=len(TABLE), cols=3)
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return _save(document)


def make_pptx(extra_slides: list[tuple[str, list[str]]] | None = None, extras: bool = True) -> bytes:
    """A deck: a title slide, one bullet slide per section and any extra slides, then (`extras`) a table."""
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = TITLE
    title.placeholders[1].text = "Steering committee, week 12"
    for heading, paragraphs in [*SECTIONS, *(extra_slides or [])]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = heading
        body = slide.placeholders[1].text_frame
        body.text = paragraphs[0]
        for paragraph in paragraphs[1:]:
            body.add_paragraph().text = paragraph
    if not extras:
        return _save(deck)
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Numbers"
    shape = slide.shapes.add_table(len(TABLE), 3, Inches(1), Inches(2), Inches(6), Inches(2))
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = value
    return _save(deck)


def make_html(extras: bool = True) -> bytes:
    """A Confluence-like export: page chrome (breadcrumbs, nav, footer, scripts) around the content;
    with `extras`, a list and a table after the sections."""
    sections = "".join(
        f"<h2>{heading}</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs) for heading, paragraphs in SECTIONS
    )
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)
    more = (
        "<h2>Next steps</h2><ul><li>Name an owner for the data refresh</li><li>Book the compliance review</li></ul>"
        f"<table><tbody>{rows}</tbody></table>"
    )
    return f"""<!DOCTYPE html><html><head><title>{TITLE} - Pilots - Confluence</title>
<script>var AJS = {{}}; window.trackPageView();</script><style>body {{ font: 12px Arial }}</style></head>
<body><div id="header"><nav><a href="/">Home</a> <a href="/spaces">Spaces</a></nav></div>
<div id="breadcrumb-section"><ol class="breadcrumbs"><li>Pilots</li><li>Finance</li></ol></div>
<div id="main-content" class="wiki-content"><h1>{TITLE}</h1>{sections}{more if extras else ""}</div>
<div id="footer"><p>Powered by Atlassian Confluence</p></div></body></html>""".encode()


def _save(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def make_zip_bomb() -> bytes:
    """A valid-looking .docx whose one extra part unpacks to 250 MB of zeros (about 250 KB packed)."""
    buffer = io.BytesIO(make_docx())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as part:
            chunk = b"\x00" * 1_000_000
            for _ in range(250):
                part.write(chunk)
    return buffer.getvalue()
