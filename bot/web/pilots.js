// Pilots page: lists followed pilots and draws each one's readiness trend as inline SVG.
"use strict";

const API_KEY = "coach.apiKey"; // shared with the chat page
const COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
let current = null;

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
  for (const p of pilots) {
    const row = document.createElement("tr");
    const link = document.createElement("a");
    link.href = `#pilot-${p.pilot.id}`;
    link.textContent = p.pilot.name;
    link.addEventListener("click", (e) => { e.preventDefault(); loadDetail(p.pilot.id); });
    cell(row, "").appendChild(link);
    cell(row, p.headline);  // status, trend and stall reasons in one sentence (from the service)
    cell(row, gapsText(p.open_by_severity));
    cell(row, p.since_close);
    cell(row, `${p.sparkline} ${p.trend}`);
    cell(row, p.next_due ? new Date(p.next_due).toLocaleString() : p.status === "paused" ? "none while paused" : "-");
    body.appendChild(row);
  }
  say(pilots.length ? "" : "No pilots yet: start weekly check-ins from a finished assessment.");
}

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

function drawChart(trend) {
  const w = 480, h = 200, pad = 28;
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, width: "100%", height: h });
  const n = trend.at.length;
  const x = (i) => pad + (n > 1 ? (i * (w - 2 * pad)) / (n - 1) : (w - 2 * pad) / 2);
  const y = (level) => h - pad - ((level - 1) * (h - 2 * pad)) / 4;
  for (let level = 1; level <= 5; level++) {
    el("line", { x1: pad, x2: w - pad, y1: y(level), y2: y(level), stroke: "#ddd" }, svg);
    el("text", { x: 6, y: y(level) + 4, "font-size": 11 }, svg).textContent = String(level);
  }
  const legend = [];
  Object.entries(trend.series).forEach(([dim, values], k) => {
    const colour = COLOURS[k % COLOURS.length];
    const pts = values.map((v, i) => (v == null ? null : `${x(i)},${y(v) + (k - 3)}`)).filter(Boolean);
    el("polyline", { points: pts.join(" "), fill: "none", stroke: colour, "stroke-width": 2 }, svg);
    values.forEach((v, i) => { if (v != null) el("circle", { cx: x(i), cy: y(v) + (k - 3), r: 3, fill: colour }, svg); });
    legend.push(`${dim.replace(/_/g, " ")} (${values[0]} → ${values[values.length - 1]})`);
  });
  $("chart").replaceChildren(svg);
  $("legend").textContent = "Colours in order: red, blue, green, orange, purple, brown — " + legend.join("; ");
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
  list("gaps", d.gaps.map((g) => `[${g.severity}] ${g.title}: ${g.status.replace("_", " ")}`));
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
  $("summary").textContent = result.summary;
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
  guard(loadList)();
});
