// Portfolio page: every pilot of this key as a heatmap by area, with trend lines, filters and CSV export.
"use strict";

const API_KEY = "coach.apiKey"; // shared with the chat and pilots pages
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

function headers() {
  const h = {};
  const key = sessionStorage.getItem(API_KEY);
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function fetchOk(path) {
  const resp = await fetch(path, { headers: headers() });
  if (resp.status === 401) { $("key-panel").hidden = false; throw new Error("An API key is needed."); }
  if (!resp.ok) {
    const body = await resp.json().catch(() => ({}));
    throw new Error((body.error && body.error.message) || `The server answered ${resp.status}.`);
  }
  return resp;
}

function say(text) { $("status").textContent = text; }

function query() {
  const params = new URLSearchParams();
  const owner = $("f-owner").value.trim();
  if (owner) params.set("owner", owner);
  if ($("f-verdict").value) params.set("verdict", $("f-verdict").value);
  if ($("f-stalled").value) params.set("stalled", $("f-stalled").value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

function add(parent, tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  parent.appendChild(node);
  return node;
}

function spark(values) {
  const w = 90, h = 24;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(h));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `average level ${values.join(", ")}`);
  const x = (i) => (values.length > 1 ? (i * (w - 4)) / (values.length - 1) + 2 : w / 2);
  const y = (v) => h - 2 - ((v - 1) * (h - 4)) / 4;
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", values.map((v, i) => `${x(i)},${y(v)}`).join(" "));
  svg.appendChild(line);
  return svg;
}

function gateText(gate) {
  if (!gate) return "-";
  if (gate.status === "decided") return gate.decision.replaceAll("_", " ");
  return `in review (${gate.signed}/${gate.signers} signed, ${gate.open_items} open)`;
}

function drawHeatmap(view) {
  const head = $("heatmap").querySelector("thead tr");
  head.replaceChildren();
  for (const title of ["Pilot", "Owner", "Stage", "Verdict", "Open gaps"]) add(head, "th", title).scope = "col";
  for (const d of view.dimensions) { const th = add(head, "th", d.title); th.scope = "col"; th.dataset.area = d.id; }
  for (const title of ["Trend", "Stalled", "Go/no-go"]) add(head, "th", title).scope = "col";
  const body = $("heatmap").querySelector("tbody");
  body.replaceChildren();
  for (const p of view.pilots) {
    const row = add(body, "tr");
    row.dataset.pilot = String(p.id);
    row.title = p.headline; // the check-ins' one-sentence status, trend and reasons
    add(row, "th", p.name).scope = "row";
    add(row, "td", p.business_owner || "not named");
    add(row, "td", p.stage.replaceAll("_", " "));
    add(row, "td", (p.verdict || "unknown").replaceAll("_", " ") + (p.agentic ? " · agentic" : ""));
    const sev = p.open_by_severity;
    add(row, "td", `${sev.critical} critical, ${sev.high} high, ${sev.medium} medium`);
    for (const d of view.dimensions) {
      const level = p.levels[d.id];
      const cell = add(row, "td", level ? String(level) : "-", `level ${level ? `lvl-${level}` : "lvl-none"}`);
      cell.title = `${d.title}: level ${level || "unknown"}`;
    }
    const trend = add(row, "td");
    trend.appendChild(spark(p.trend.average));
    add(trend, "span", ` ${p.trend.direction}`);
    const stall = add(row, "td", p.stalled ? "stalled" : "no", p.stalled ? "stalled" : "");
    add(stall, "div", `last close: ${p.since_close}`, "since");
    if (p.stalled) {
      const list = add(stall, "ul", undefined, "reasons");
      for (const reason of p.stall_reasons) add(list, "li", reason);
    }
    add(row, "td", gateText(p.gate));
  }
}

function drawTotals(view) {
  const agg = view.aggregates;
  const list = $("totals");
  list.replaceChildren();
  add(list, "li", `${agg.pilots} pilot(s)`);
  add(list, "li", `${agg.stalled} stalled`);
  for (const [verdict, n] of Object.entries(agg.per_verdict)) add(list, "li", `${n} ${verdict.replaceAll("_", " ")}`);
  for (const [stage, n] of Object.entries(agg.per_stage)) add(list, "li", `${n} ${stage.replaceAll("_", " ")}`);
  const common = $("common");
  common.replaceChildren();
  for (const g of agg.common_gaps) add(common, "li", `${g.title} (${g.dimension}): ${g.pilots} pilot(s)`);
  const critical = $("critical");
  critical.replaceChildren();
  for (const g of agg.oldest_critical) add(critical, "li", `${g.pilot}: ${g.title}, open ${g.weeks_open} week(s)`);
}

function fillVerdicts(view) {
  const select = $("f-verdict");
  const known = new Set([...select.options].map((o) => o.value));
  for (const verdict of Object.keys(view.aggregates.per_verdict)) {
    if (known.has(verdict) || verdict === "unknown") continue;
    const option = add(select, "option", verdict.replaceAll("_", " "));
    option.value = verdict;
  }
}

async function load() {
  say("Loading…");
  const view = await (await fetchOk(`/v1/portfolio${query()}`)).json();
  drawHeatmap(view);
  drawTotals(view);
  fillVerdicts(view);
  say(view.pilots.length ? "" : "No pilots match: register one from a finished assessment, or clear the filters.");
}

async function exportCsv() {
  const blob = await (await fetchOk(`/v1/portfolio.csv${query()}`)).blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "portfolio.csv";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function guard(fn) {
  return (event) => Promise.resolve(fn(event)).catch((err) => say(err.message));
}

document.addEventListener("DOMContentLoaded", () => {
  $("filters").addEventListener("submit", guard((e) => { e.preventDefault(); return load(); }));
  $("csv").addEventListener("click", guard(exportCsv));
  $("key-form").addEventListener("submit", guard((e) => {
    e.preventDefault();
    sessionStorage.setItem(API_KEY, $("key-input").value.trim());
    $("key-panel").hidden = true;
    return load();
  }));
  guard(load)();
});
