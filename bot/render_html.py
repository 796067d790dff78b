"""A print-ready, self-contained HTML report for a steerco (inline CSS, A4 print stylesheet).

Every string in the report is HTML-escaped: pilot names, quotes and authors are the team's words,
and the coach's own text may echo them.
"""

from __future__ import annotations

from html import escape

from bot.models import Evidence, Report
from bot.render import area_of, no_gaps, provenance, sources, surfaces_label, verdict_label, why_label

STATUS = {"gap": "gap", "unknown": "unknown (open question)", "ready": "ready"}

# Badges carry the word and a border pattern (double, solid, dashed), never colour alone, so severity
# reads the same on a black-and-white printer.
CSS = """
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; max-width: 46rem;
  margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 20pt; margin: 0 0 .3rem; } h2 { font-size: 14pt; margin: 1.4rem 0 .5rem;
  border-bottom: 1px solid #999; }
h3 { font-size: 12pt; margin: 0 0 .4rem; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #999;
  padding: .25rem .4rem; text-align: left; }
.verdict { font-weight: bold; } .gap { border: 1px solid #bbb; padding: .6rem .8rem; margin: .8rem 0; }
blockquote { margin: .3rem 0 .3rem 1rem; font-style: italic; }
.badge { display: inline-block; padding: 0 .4rem; font: bold 9pt sans-serif;
  text-transform: uppercase; border: 1px solid #111; }
.badge.critical { border: 4px double #111; letter-spacing: .05em; }
.badge.high { border: 2px solid #111; } .badge.medium { border: 1px dashed #111; }
footer { margin-top: 2rem; font-size: 8.5pt; color: #444; border-top: 1px solid #999; padding-top: .4rem; }
@page { size: A4; margin: 16mm 15mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; line-height: 1.3; }
  .gap { margin: .5rem 0; padding: .4rem .6rem; } p { margin: .3rem 0; }
  .gap, tr, blockquote { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
"""


def _e(text: str | None) -> str:
    return escape(text or "", quote=True)


def _quotes(evidence: list[Evidence]) -> list[str]:
    out = []
    for ev in evidence:
        who = f" <cite>({_e(ev.author)})</cite>" if ev.author else ""
        out.append(f"<blockquote>&ldquo;{_e(ev.quote)}&rdquo;{who}</blockquote>")
    return out


def _badge(severity: str | None) -> str:
    return f'<span class="badge {_e(severity)}">{_e(severity)}</span>' if severity else ""


def to_html(report: Report) -> str:
    """The whole report as one HTML document, ready to print or save as PDF."""
    name = _e(report.pilot_name)
    title = f"Readiness report: {name}" if report.pilot_name else "Readiness report"
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f'<p class="verdict">Verdict: {_e(verdict_label(report))}</p>',
        f"<p>{_e(report.summary)}</p>",
    ]
    if report.agentic:
        out += ["<p><strong>Agentic system:</strong> acts on its own.</p>", *_quotes(report.agentic_evidence)]
    out += ["<h2>Readiness by area</h2>", "<table><thead><tr><th>Area</th><th>Status</th>"]
    out += ["<th>Severity</th><th>Level</th></tr></thead><tbody>"]
    for d in report.dimensions:
        out.append(
            f"<tr><td>{_e(d.title)}</td><td>{_e(STATUS.get(d.status, d.status))}</td>"
            f"<td>{_badge(d.severity)}</td><td>{d.level}/5</td></tr>"
        )
    out += ["</tbody></table>", "<h2>Gaps</h2>"]
    if not report.gaps:
        out.append(f"<p>{_e(no_gaps(report))}</p>")
    for i, g in enumerate(report.gaps, 1):
        out += [f'<section class="gap"><h3>{i}. {_e(g.title)} {_badge(g.severity)}</h3>', *_quotes(g.evidence)]
        out += [f"<p><strong>{_e(why_label(g))}:</strong> {_e(g.why)}</p>"]
        out += [
            f"<p><strong>{_e(surfaces_label(g))}:</strong> {_e(g.surfaces)}</p>",
            "<p><strong>This week:</strong></p><ul>",
        ]
        out += [f"<li>{_e(a)}</li>" for a in g.actions] + ["</ul>"]
        if g.citations:
            out.append(f"<p>Playbook: {_e(sources(g.citations))}</p>")
        out.append("</section>")
    if report.in_place:
        out += ["<h2>What is in place</h2>"]
        for item in report.in_place:
            out += [f"<h3>{_e(item.title)}</h3>", *_quotes(item.evidence)]
    if report.open_questions:
        out += ["<h2>Open questions</h2>", "<ul>"]
        out += [
            f"<li><strong>{_e(area_of(q.dimension, q.title))}</strong>: {_e(q.question)}</li>"
            for q in report.open_questions
        ]
        out.append("</ul>")
    out.append(f"<footer>{_e(provenance(report))} Generated {report.created_at:%Y-%m-%d %H:%M} UTC.</footer>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
