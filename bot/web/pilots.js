// Pilots page: lists followed pilots and draws each one's readiness trend (pilots-draw.js).
"use strict";

const API_KEY = "coach.apiKey"; // shared with the chat page
const $ = (id) => document.getElementById(id);
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2 }; // the check-in numbers open gaps in this order
let current = null;
let shownTrend = null;

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = sessionStorage.getItem(API_KEY);
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function api(path, options = {}) {
  const resp = await fetch(path, { ...options, headers: headers() });
  if (resp.status === 401) { $("key-panel").hidden = false; throw new Error("An API key is needed."); }
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error((body.error && body.error.message) || `The server answered ${resp.status}.`);
  return body;
}

function say(text) { $("status").textContent = text; }

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function gapsText(counts) {
  const parts = Object.entries(counts).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`);
  return parts.join(", ") || "none";
}

async function loadList() {
  const { pilots } = await api("/v1/pilots");
  const body = $("pilots").querySelector("tbody");
  body.replaceChildren();
  const labels = [...$("pilots").querySelectorAll("thead th")].map((th) => th.textContent);
  for (const p of pilots) {
    const row = document.createElement("tr");
    const link = document.createElement("a");
    link.href = `#pilot-${p.pilot.id}`;
    link.textContent = p.pilot.name;
    link.addEventListener("click", (e) => {
      e.preventDefault();
      guard(async () => { await loadDetail(p.pilot.id); $("detail-title").focus(); })();
    });
    cell(row, "").appendChild(link);
    cell(row, p.headline);  // status, trend and stall reasons in one sentence (from the service)
    cell(row, gapsText(p.open_by_severity));
    cell(row, p.since_close);
    const trend = cell(row, "");
    trend.className = "trend-cell";
    trend.append(sparklineSvg(p.sparkline, p.trend), ` ${p.trend}`);
    cell(row, p.next_due ? new Date(p.next_due).toLocaleString() : p.status === "paused" ? "none while paused" : "-");
    [...row.children].forEach((td, i) => { td.dataset.label = labels[i]; }); // a phone shows them per row
    body.appendChild(row);
  }
  say(pilots.length ? "" : "No pilots yet: start weekly check-ins from a finished assessment.");
}

function drawChart(trend) {
  shownTrend = trend;
  $("chart").replaceChildren(trendChart(trend, $("chart").clientWidth));
  $("legend").replaceChildren(...trendLegend(trend));
}

function gapItem(g) {
  const li = document.createElement("li");
  const badge = document.createElement("span");
  badge.className = `badge ${g.severity}`;
  badge.textContent = g.severity;
  li.append(badge, ` ${g.title}: ${g.status.replace(/_/g, " ")}`);
  return li;
}

// Open gaps numbered as the check-in numbers them (most severe first); closed ones apart.
function showGaps(gaps) {
  const open = gaps.filter((g) => g.status !== "resolved")
    .map((g, i) => [g, i]).sort(([a, i], [b, j]) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || i - j)
    .map(([g]) => g);
  const closed = gaps.filter((g) => g.status === "resolved");
  $("gaps").replaceChildren(...open.map(gapItem));
  $("closed").replaceChildren(...closed.map(gapItem));
  $("closed-box").hidden = !closed.length;
}

function list(id, items) {
  const ul = $(id);
  ul.replaceChildren(...items.map((t) => { const li = document.createElement("li"); li.textContent = t; return li; }));
}

async function loadDetail(id) {
  const d = await api(`/v1/pilots/${id}`);
  current = id;
  $("detail").hidden = false;
  $("detail-title").textContent = `${d.pilot.name}: ${d.summary.status}`;
  list("stall-reasons", d.summary.stall_reasons.map((r) => `Stalled: ${r}`));
  showGaps(d.gaps);
  list("history", d.checkins.map((c) => `${new Date(c.due_at).toLocaleString()}: ${c.status}`));
  drawChart(d.trend);
}

async function control(action) {
  if (current == null) return;
  await api(`/v1/pilots/${current}/${action}`, { method: "POST" });
  say(`${action} done.`);
  await Promise.all([loadList(), loadDetail(current)]);
}

async function answer(event) {
  event.preventDefault();
  const text = $("answer").value.trim();
  if (!text || current == null) return;
  const result = await api(`/v1/pilots/${current}/checkins`, { method: "POST", body: JSON.stringify({ text }) });
  $("summary").replaceChildren(slackMarkup(result.summary));
  $("answer").value = "";
  await Promise.all([loadList(), loadDetail(current)]);
}

function guard(fn) {
  return (...args) => fn(...args).catch((err) => say(err.message));
}

document.addEventListener("DOMContentLoaded", () => {
  $("key-form").addEventListener("submit", guard(async (e) => {
    e.preventDefault();
    sessionStorage.setItem(API_KEY, $("key-input").value.trim());
    $("key-panel").hidden = true;
    await loadList();
  }));
  document.querySelectorAll("button[data-action]").forEach((b) =>
    b.addEventListener("click", guard(() => control(b.dataset.action))));
  $("answer-form").addEventListener("submit", guard(answer));
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => shownTrend && drawChart(shownTrend), 150);
  });
  const linked = location.hash.match(/^#pilot-([0-9a-f]{32})$/); // from the chat's "Start weekly check-ins"
  guard(async () => {
    await loadList();
    if (linked) await loadDetail(linked[1]);
  })();
});
