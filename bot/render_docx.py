"""A Word (DOCX) report for a steerco: headings, the gap table, evidence quotes (python-docx)."""

from __future__ import annotations

import io

from bot.models import Report
from bot.render import area_of, no_gaps, provenance, sources, surfaces_label, verdict_label, why_label

STATUS = {"gap": "gap", "unknown": "unknown (open question)", "ready": "ready"}


def _clean(text: str | None) -> str:
    """Word rejects control characters in XML; the team's words keep everything else."""
    return "".join(ch for ch in (text or "") if ch in "\t\n" or ord(ch) >= 32)


def to_docx(report: Report) -> bytes:
    """The report as a .docx document."""
    from docx import Document  # lazy: only the export needs it

    doc = Document()
    name = _clean(report.pilot_name)
    doc.add_heading(f"Readiness report: {name}" if name else "Readiness report", level=0)
    doc.add_paragraph().add_run(f"Verdict: {verdict_label(report)}").bold = True
    doc.add_paragraph(_clean(report.summary))
    if report.agentic:
        doc.add_paragraph("Agentic system: acts on its own.")
        for ev in report.agentic_evidence:
            doc.add_paragraph(f"“{_clean(ev.quote)}”", style="Quote")
    doc.add_heading("Gaps", level=1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("#", "Gap", "Severity", "Area"), strict=True):
        cell.text = text
    for i, g in enumerate(report.gaps, 1):
        row = table.add_row().cells
        for cell, text in zip(row, (str(i), _clean(g.title), g.severity, area_of(g.dimension, g.area)), strict=True):
            cell.text = text
    if not report.gaps:
        doc.add_paragraph(no_gaps(report))
    for i, g in enumerate(report.gaps, 1):
        doc.add_heading(f"{i}. {_clean(g.title)} ({g.severity})", level=2)
        for ev in g.evidence:
            who = f" ({_clean(ev.author)})" if ev.author else ""
            doc.add_paragraph(f"“{_clean(ev.quote)}”{who}", style="Quote")
        doc.add_paragraph(f"{why_label(g)}: {_clean(g.why)}")
        doc.add_paragraph(f"{surfaces_label(g)}: {_clean(g.surfaces)}")
        doc.add_paragraph("This week:")
        for a in g.actions:
            doc.add_paragraph(_clean(a), style="List Bullet")
        if g.citations:
            doc.add_paragraph("Playbook: " + _clean(sources(g.citations)))
    if report.in_place:
        doc.add_heading("What is in place", level=1)
        for item in report.in_place:
            doc.add_paragraph(_clean(item.title), style="List Bullet")
            for ev in item.evidence:
                doc.add_paragraph(f"“{_clean(ev.quote)}”", style="Quote")
    if report.open_questions:
        doc.add_heading("Open questions", level=1)
        for q in report.open_questions:
            doc.add_paragraph(f"{area_of(q.dimension, q.title)}: {_clean(q.question)}", style="List Bullet")
    doc.add_paragraph(provenance(report))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
