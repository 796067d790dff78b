// Readiness Coach web chat: plain JavaScript, no build step, talks to the /v1 API.
"use strict";

const SESSION_KEY = "coach.session";
const API_KEY = "coach.apiKey";
const CLIENT_KEY = "coach.client"; // this browser's id: without API keys, the list of interviews is its own
const SEVERITY = { critical: "Critical", high: "High", medium: "Medium" };
const VERDICT = {
  not_ready: "Not ready",
  ready_with_conditions: "Ready with conditions",
  ready: "Ready",
  insufficient_evidence: "Not enough to judge yet",
};
const STATE_LABEL = { done: "covered", skipped: "skipped", current: "in progress", pending: "to do" };

const $ = (id) => document.getElementById(id);
const state = { sessionId: null, busy: false, report: null };

// ---- safe, minimal Markdown: escape first, then bold, code, lists, line breaks ----------
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function inline(text) {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

function renderMarkdown(text) {
  const out = [];
  let list = null;
  const close = () => { if (list) { out.push(`</${list}>`); list = null; } };
  for (const line of text.split("\n")) {
    const bullet = line.match(/^\s*[-*·✓→–]\s+(.*)$/);
    const numbered = line.match(/^\s*\d+[.)]\s+(.*)$/);
    const kind = bullet ? "ul" : numbered ? "ol" : null;
    if (kind) {
      if (list !== kind) { close(); out.push(`<${kind}>`); list = kind; }
      out.push(`<li>${inline((bullet || numbered)[1])}</li>`);
    } else {
      close();
      out.push(line.trim() ? `${inline(line)}<br>` : "<br>");
    }
  }
  close();
  return out.join("").replace(/(<br>)+$/, "");
}

// ---- HTTP -------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

function clientId() {
  let id = localStorage.getItem(CLIENT_KEY);
  if (!id) { id = crypto.randomUUID().replace(/-/g, ""); localStorage.setItem(CLIENT_KEY, id); }
  return id;
}

function headers(extra) {
  const h = { "Content-Type": "application/json", "X-Coach-Client": clientId(), ...extra };
  const key = sessionStorage.getItem(API_KEY);
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function failure(resp) {
  let code = "http_error";
  let message = `The server answered ${resp.status}: try again in a moment.`;
  try {
    const body = await resp.json();
    if (body && body.error) ({ code, message } = body.error);
  } catch (_) { /* not JSON: keep the generic sentence */ }
  if (resp.status === 401) showKeyPanel(message);
  return new ApiError(resp.status, code, message);
}

async function api(path, options = {}) {
  const resp = await fetch(path, { ...options, headers: headers(options.headers) });
  if (!resp.ok) throw await failure(resp);
  return resp;
}

// Reads `event:`/`data:` blocks from a fetch body and calls onEvent(name, parsedData).
async function readEvents(resp, onEvent) {
  const handle = (block) => {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) onEvent(name, JSON.parse(data.join("\n")));
  };
  if (!resp.body || !resp.body.getReader) { (await resp.text()).split("\n\n").forEach(handle); return; }
  const reader = resp.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      handle(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
    }
  }
  if (buffer.trim()) handle(buffer);
}

// ---- conversation -------------------------------------------------------------------------
function addBubble(role, text, extraClass) {
  const item = document.createElement("div");
  item.className = `bubble ${role}${extraClass ? " " + extraClass : ""}`;
  const who = document.createElement("span");
  who.className = "visually-hidden";
  who.textContent = role === "user" ? "You said: " : "Coach: ";
  const body = document.createElement("div");
  body.className = "text";
  body.innerHTML = role === "user" ? escapeHtml(text).replace(/\n/g, "<br>") : renderMarkdown(text);
  item.append(who, body);
  $("messages").append(item);
  scrollDown();
  return body;
}

// Instant, not smooth: a smooth scroll still running when the reply grows stops short of the end.
function scrollDown() { const box = $("messages"); box.scrollTo({ top: box.scrollHeight, behavior: "instant" }); }

// After a whole turn: the last reply at the bottom of the pane and the answer box on screen (a phone).
function keepInView() {
  scrollDown();
  $("composer").scrollIntoView({ block: "nearest", behavior: "instant" });
}
function setStatus(text) { $("status").textContent = text; }

function setBusy(busy) {
  state.busy = busy;
  $("send").disabled = busy;
  $("messages").setAttribute("aria-busy", busy ? "true" : "false");
  setStatus(busy ? "The coach is writing…" : "");
}

async function startSession() {
  const resp = await api("/v1/sessions", { method: "POST", body: "{}" });
  const turn = await resp.json();
  state.sessionId = turn.session_id;
  localStorage.setItem(SESSION_KEY, turn.session_id);
  addBubble("coach", turn.reply);
  if (window.showChoices) showChoices(turn.choices);
  await refresh(turn.done);
}

async function resume(sessionId) {
  const resp = await api(`/v1/sessions/${encodeURIComponent(sessionId)}`);
  const view = await resp.json();
  state.sessionId = view.session_id;
  for (const m of view.messages) {
    const body = addBubble(m.role === "user" ? "user" : "coach", m.text);
    if (m.role !== "user") renderSources(body, m.citations); // the sources its [n] markers refer to
  }
  renderProgress(view);
  if (window.showChoices) showChoices(view.choices); // the last question's quick replies, after a reload
  if (view.done) await loadReport(false);
}

// Resolves to { ok, done }: ok false when the message was not taken (the caller keeps its text).
async function send(text) {
  if (state.busy || !text.trim()) return { ok: false, done: false };
  if (!state.sessionId) await startSession();
  setBusy(true);
  const mine = addBubble("user", text);
  const target = addBubble("coach", "", "streaming");
  let reply = "";
  try {
    const resp = await api(`/v1/sessions/${encodeURIComponent(state.sessionId)}/messages`, {
      method: "POST", body: JSON.stringify({ text }), headers: { Accept: "text/event-stream" },
    });
    let final = null;
    await readEvents(resp, (name, data) => {
      if (name === "token") { reply += data.text; target.innerHTML = renderMarkdown(reply); scrollDown(); }
      else if (name === "done") final = data;
      else if (name === "error") throw new ApiError(500, data.error.code, data.error.message);
    });
    if (final) target.innerHTML = renderMarkdown(final.reply);
    if (final) renderSources(target, final.citations);
    if (final && window.showChoices) showChoices(final.choices);
    target.parentElement.classList.remove("streaming");
    keepInView();
    const done = Boolean(final && final.done);
    await refresh(done);
    if (done) scrollDown(); // the page itself stays on the report's heading, which has focus
    else keepInView();
    return { ok: true, done };
  } catch (err) {
    target.parentElement.remove();
    if (err instanceof ApiError && err.status < 500) mine.parentElement.remove(); // refused: not said
    showError(err);
    return { ok: false, done: false };
  } finally {
    setBusy(false);
  }
}

// The numbered sources an answer's [n] markers point at, folded under the answer.
function renderSources(body, citations) {
  if (!citations || !citations.length) return;
  const box = el("details", "sources");
  box.append(el("summary", "muted", `Sources (${citations.length})`));
  const list = el("ol", "source-list");
  for (const c of citations) {
    const where = c.location ? `${c.source} ${c.location}` : c.section ? `${c.source}#${c.section}` : c.source;
    const item = el("li", "", c.title || c.source);
    item.append(el("span", "muted", ` (${where})`));
    list.append(item);
  }
  box.append(list);
  body.parentElement.append(box);
}

function showError(err) {
  const message = err instanceof ApiError ? err.message : "Could not reach the coach: check your connection and try again.";
  addBubble("coach", message, "error");
  if (err instanceof ApiError && err.status === 404 && err.code === "not_found") forgetSession();
}

function forgetSession() { state.sessionId = null; localStorage.removeItem(SESSION_KEY); }

async function refresh(done) {
  const resp = await api(`/v1/sessions/${encodeURIComponent(state.sessionId)}`);
  renderProgress(await resp.json());
  if (done) await loadReport(true);
  else $("report").hidden = true;
}

function renderProgress(view) {
  const list = $("progress");
  list.replaceChildren();
  let covered = 0;
  for (const item of view.progress) {
    const li = document.createElement("li");
    li.className = `step ${item.state}`;
    li.textContent = item.title;
    li.title = `${item.title}: ${STATE_LABEL[item.state]}`;
    const note = document.createElement("span");
    note.className = "visually-hidden";
    note.textContent = ` (${STATE_LABEL[item.state]})`;
    li.append(note);
    if (item.state === "current") li.setAttribute("aria-current", "step");
    if (item.state === "done" || item.state === "skipped") covered += 1;
    list.append(li);
  }
  const total = view.progress.length;
  $("progress-label").textContent = view.done
    ? `Interview complete: ${total} of ${total} areas`
    : view.topic === "intro" ? "Getting to know the pilot" : `Area ${Math.min(covered + 1, total)} of ${total}`;
}

// ---- report -------------------------------------------------------------------------------
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

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
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

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// One labelled bar per dimension: length = level (1-5), colour = status.
// Drawn at the container's width so labels stay readable on a phone.
function readinessChart(dimensions, available) {
  const width = Math.max(280, Math.round(available || 640));
  const left = 2, barMax = width - left - 44, row = 46;
  const height = dimensions.length * row + 24;
  const summary = dimensions.map((d) => `${d.title}: level ${d.level} of 5 (${d.status})`).join("; ");
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": summary, class: "chart" });
  root.append(svg("title", {}, "Readiness by area"));
  for (let level = 1; level <= 5; level += 1) {
    const x = left + (barMax * level) / 5;
    root.append(svg("line", { x1: x, x2: x, y1: 0, y2: height - 20, class: "grid" }));
    root.append(svg("text", { x, y: height - 6, class: "tick", "text-anchor": "end" }, level));
  }
  dimensions.forEach((d, i) => {
    const y = i * row;
    root.append(svg("text", { x: left, y: y + 14, class: "label" }, d.title));
    root.append(svg("rect", { x: left, y: y + 20, width: barMax, height: 14, rx: 3, class: "track" }));
    const bar = svg("rect", { x: left, y: y + 20, width: (barMax * d.level) / 5, height: 14, rx: 3, class: `bar ${d.status}` });
    bar.append(svg("title", {}, `${d.title}: level ${d.level} of 5, ${d.status}`));
    root.append(bar, svg("text", { x: left + barMax + 8, y: y + 32, class: "value" }, `${d.level}/5`));
  });
  return root;
}

async function download(format) {
  if (state.fileReport) return downloadFileReport(); // files.js: a dropped document's report
  const resp = await api(`/v1/sessions/${encodeURIComponent(state.sessionId)}/report?format=${format}`);
  const blob = new Blob([await resp.text()], { type: format === "md" ? "text/markdown" : "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `readiness-report-${state.sessionId.slice(0, 8)}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// ---- wiring ---------------------------------------------------------------------------------
function showKeyPanel(message) {
  $("key-reason").textContent = message;
  $("key-panel").hidden = false;
  $("key-input").focus();
}

async function begin() {
  $("messages").replaceChildren();
  $("report").hidden = true;
  state.report = null;
  const saved = localStorage.getItem(SESSION_KEY);
  try {
    if (saved) await resume(saved);
    else await startSession();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) { forgetSession(); return begin(); }
    if (!(err instanceof ApiError && err.status === 401)) showError(err);
  }
}

function guard(fn) { return (...args) => fn(...args).catch(showError); }

document.addEventListener("DOMContentLoaded", () => {
  const input = $("input");
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim() || state.busy) return;
    input.value = "";
    const failed = (err) => { showError(err); return { ok: false, done: false }; };
    send(text).catch(failed).then((result) => {
      if (!result.ok && !input.value) input.value = text; // a refused message is never lost
      if (!result.done) input.focus(); // done: focus is on the report's heading
    });
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("new-interview").addEventListener("click", guard(async () => {
    if (!(await confirmNewInterview())) return; // history.js
    forgetSession();
    await begin();
    input.focus();
  }));
  $("dl-md").addEventListener("click", guard(() => download("md")));
  $("dl-json").addEventListener("click", guard(() => download("json")));
  $("key-form").addEventListener("submit", guard(async (e) => {
    e.preventDefault();
    sessionStorage.setItem(API_KEY, $("key-input").value.trim());
    $("key-panel").hidden = true;
    await begin();
    input.focus();
  }));
  let resizing = null;
  window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(drawChart, 150); });
  begin().then(() => input.focus());
});
