// Readiness Coach chat page: the gap list (verdict, chart, gaps, open questions) and its download.
// Uses page.js, api.js and chart.js; tells followup.js with a "coach:report" event.
"use strict";

const SEVERITY = { critical: "Critical", high: "High", medium: "Medium" };
const VERDICT = {
  not_ready: "Not ready",
  ready_with_conditions: "Ready with conditions",
  ready: "Ready",
  insufficient_evidence: "Not enough to judge yet",
};

async function loadReport(focus) {
  const resp = await api(`/v1/sessions/${encodeURIComponent(state.sessionId)}/report?format=json`);
  state.report = await resp.json();
  state.fileReport = null; // a session's report replaces a dropped document's (files.js)
  $("dl-md").hidden = false;
  $("report").hidden = false; // visible first: the chart is sized to its box
  renderReport(state.report);
  if (focus) announceReport(state.report);
}

// Focus on the report's heading, and the verdict said aloud by the live region.
function announceReport(report) {
  $("report-title").focus();
  const gaps = report.gaps.length;
  $("report-announce").textContent =
    `Gap list ready. Verdict: ${VERDICT[report.verdict] || report.verdict}, ${gaps} gap${gaps === 1 ? "" : "s"}.`;
}

function drawChart() {
  if (state.report) $("chart").replaceChildren(readinessChart(state.report.dimensions, $("chart").clientWidth));
}

function renderReport(report) {
  $("report-title").textContent = report.pilot_name ? `Gap list: ${report.pilot_name}` : "Gap list";
  const verdict = $("verdict");
  verdict.replaceChildren(el("span", `verdict-badge ${report.verdict}`, VERDICT[report.verdict] || report.verdict));
  $("summary").textContent = report.summary;
  const agentic = $("agentic");
  agentic.hidden = !report.agentic;
  agentic.textContent = report.agentic ? "Agentic system: it acts on its own, so governance and observability weigh more." : "";
  drawChart();
  $("gaps").replaceChildren(...report.gaps.map(renderGap));
  const none = report.verdict === "insufficient_evidence" ? "No gaps found so far, but most areas are still open questions." : "No gaps found.";
  if (!report.gaps.length) $("gaps").append(el("li", "no-gaps", none));
  renderOpenQuestions(report.open_questions, report.in_place || []);
  const version = (v, prefix) => (v || "").replace(prefix, "") || "none";
  $("report-meta").textContent = `Made by the ${report.engine} engine · rubric ${report.rubric_version} · prompt set ${version(report.prompt_version, "prompts-")}`;
  document.dispatchEvent(new CustomEvent("coach:report", { detail: report })); // followup.js
}

function renderGap(gap) {
  const li = el("li", `gap ${gap.severity}`);
  const head = el("div", "gap-head");
  head.append(el("span", `badge ${gap.severity}`, SEVERITY[gap.severity] || gap.severity), el("h3", "", gap.title));
  li.append(head);
  for (const ev of gap.evidence) {
    const quote = el("blockquote", "evidence", `“${ev.quote}”`);
    if (ev.author) quote.append(el("cite", "", ` ${ev.author}`));
    li.append(quote);
  }
  const why = gap.why_basis === "team" ? "Why it matters for this pilot: " : "Why it matters (general, from the playbook): ";
  li.append(el("p", "why", why + gap.why));
  if (gap.surfaces) li.append(el("p", "surfaces muted", `${gap.surfaced ? "Where it surfaced" : "Where it will surface"}: ${gap.surfaces}`));
  li.append(el("h4", "", "This week"));
  const actions = el("ul", "actions");
  gap.actions.forEach((a) => actions.append(el("li", "", a)));
  li.append(actions);
  if (gap.citations.length) {
    const sources = el("p", "sources muted", "Playbook: ");
    const label = (c) => (c.title || c.source) + (c.location ? `, ${c.location}` : "");
    sources.append([...new Set(gap.citations.map(label))].join("; "));
    li.append(sources);
  }
  return li;
}

function renderOpenQuestions(questions, inPlace) {
  const box = $("open-questions");
  box.replaceChildren();
  if (inPlace.length) {
    box.append(el("h3", "", "What is in place"));
    const ready = el("ul", "in-place");
    for (const item of inPlace) {
      const li = el("li", "", item.title);
      for (const ev of item.evidence) li.append(el("blockquote", "evidence", `“${ev.quote}”`));
      ready.append(li);
    }
    box.append(ready);
  }
  if (!questions.length) return;
  box.append(el("h3", "", "Open questions"));
  const list = el("ul", "open");
  questions.forEach((q) => list.append(el("li", "", q.question)));
  box.append(list);
}
async function download(format) {
  if (state.fileReport) return downloadFileReport(); // files.js: a dropped document's report
  const resp = await api(`/v1/sessions/${encodeURIComponent(state.sessionId)}/report?format=${format}`);
  const blob = new Blob([await resp.text()], { type: format === "md" ? "text/markdown" : "application/json" });
  saveFile(blob, `readiness-report-${state.sessionId.slice(0, 8)}.${format}`); // page.js
}
