"""A Word (DOCX) report for a steerco: headings, the gap table, evidence quotes (python-docx)."""

from __future__ import annotations

import io

from bot.models import Report

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
    doc.add_paragraph().add_run(f"Verdict: {report.verdict.replace('_', ' ')}").bold = True
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
        for cell, text in zip(row, (str(i), _clean(g.title), g.severity, g.dimension), strict=True):
            cell.text = text
    if not report.gaps:
        doc.add_paragraph("No gaps found.")
    for i, g in enumerate(report.gaps, 1):
        doc.add_heading(f"{i}. {_clean(g.title)} ({g.severity})", level=2)
        for ev in g.evidence:
            who = f" ({_clean(ev.author)})" if ev.author else ""
            doc.add_paragraph(f"“{_clean(ev.quote)}”{who}", style="Quote")
        doc.add_paragraph(f"Why it matters: {_clean(g.why)}")
        doc.add_paragraph(f"Where it will surface: {_clean(g.surfaces)}")
        doc.add_paragraph("This week:")
        for a in g.actions:
            doc.add_paragraph(_clean(a), style="List Bullet")
        if g.citations:
            doc.add_paragraph("Playbook: " + ", ".join(c.ref for c in g.citations))
    if report.open_questions:
        doc.add_heading("Open questions", level=1)
        for q in report.open_questions:
            doc.add_paragraph(f"{q.dimension}: {_clean(q.question)}", style="List Bullet")
    reader = report.reader_version or "none"
    doc.add_paragraph(
        f"Engine {report.engine}, rubric {report.rubric_version}, prompts {report.prompt_version}, reader {reader}."
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
