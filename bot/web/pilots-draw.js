// Pilots page drawing: the list's sparkline, the per-area trend (one lane per area, so lines never
// overlap) with its legend, and Slack markup (check-in summaries) rendered as safe HTML.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
// Distinct at a glance and at least 3:1 against white (WCAG's figure for graphics).
const LANE_COLOURS = ["#b3261e", "#2456c9", "#1f7a4d", "#a85100", "#6b3fa0", "#5b6675"];
// bot/checkins/trend.py BARS: one block per readiness level 1..5
const SPARK_BARS = "▁▂▃▅▇";

function svgEl(name, attrs, parent) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

function areaName(id) {
  const words = id.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// The list's average-level sparkline as a small line chart (the API sends it as block characters).
function sparklineSvg(bars, trend) {
  const values = [...bars].map((c) => SPARK_BARS.indexOf(c) + 1).filter((v) => v > 0);
  const w = 88, h = 24, pad = 3;
  const x = (i) => (values.length > 1 ? pad + (i * (w - 2 * pad)) / (values.length - 1) : w / 2);
  const y = (v) => h - pad - ((v - 1) * (h - 2 * pad)) / 4;
  const label = values.length
    ? `Average readiness at ${values.length} point(s): level ${values[0]} to ${values[values.length - 1]}, ${trend}`
    : "No readiness history yet";
  const svg = svgEl("svg", { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: "img", "aria-label": label, class: "spark" });
  svgEl("line", { x1: pad, x2: w - pad, y1: h - pad, y2: h - pad, class: "spark-base" }, svg);
  if (values.length > 1) svgEl("polyline", { points: values.map((v, i) => `${x(i)},${y(v)}`).join(" "), class: "spark-line" }, svg);
  if (values.length) svgEl("circle", { cx: x(values.length - 1), cy: y(values[values.length - 1]), r: 2.5, class: "spark-dot" }, svg);
  return svg;
}

// One lane per area, each with its own 1-5 scale: lines cannot cross or hide one another.
function trendChart(trend, width) {
  const entries = Object.entries(trend.series);
  const n = trend.at.length;
  const w = Math.max(300, Math.round(width || 480)), left = 8, right = 56, lane = 60, gap = 8, head = 20;
  const h = entries.length * (lane + gap);
  const x = (i) => left + (n > 1 ? (i * (w - left - right)) / (n - 1) : (w - left - right) / 2);
  const summary = entries.map(([dim, v]) => `${areaName(dim)}: ${v[0] ?? "?"} to ${v[v.length - 1] ?? "?"}`).join("; ");
  const svg = svgEl("svg", { viewBox: `0 0 ${w} ${h}`, class: "trend", role: "img", "aria-label": `Readiness per area: ${summary}` });
  entries.forEach(([dim, values], k) => {
    const top = k * (lane + gap);
    const y = (level) => top + lane - 6 - ((level - 1) * (lane - head - 10)) / 4;
    const colour = LANE_COLOURS[k % LANE_COLOURS.length];
    const group = svgEl("g", { class: "lane", "data-dimension": dim }, svg);
    svgEl("rect", { x: 0, y: top, width: w, height: lane, class: "lane-bg" }, group);
    svgEl("text", { x: left, y: top + 14, class: "lane-label" }, group).textContent = areaName(dim);
    const pts = values.map((v, i) => (v == null ? null : [x(i), y(v)])).filter(Boolean);
    svgEl("polyline", { points: pts.map((p) => p.join(",")).join(" "), fill: "none", stroke: colour, "stroke-width": 2.5 }, group);
    pts.forEach(([cx, cy]) => svgEl("circle", { cx, cy, r: 3.5, fill: colour }, group));
    const last = values[values.length - 1];
    svgEl("text", { x: w - right + 8, y: top + lane / 2 + 4, class: "lane-value" }, group).textContent = last == null ? "-" : `${last}/5`;
  });
  return svg;
}

function trendLegend(trend) {
  return Object.entries(trend.series).map(([dim, values], k) => {
    const li = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.backgroundColor = LANE_COLOURS[k % LANE_COLOURS.length]; // CSSOM: allowed by the CSP
    const first = values.find((v) => v != null), last = values[values.length - 1];
    li.append(swatch, `${areaName(dim)}: level ${first ?? "?"} → ${last ?? "?"}`);
    return li;
  });
}

// ---- Slack mrkdwn -> DOM (text nodes only, so nothing in it can run or style the page) --------
const MRKDWN = /(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|`[^`\n]+`|<[^<>\n]+>)/g;
const TAGS = { "*": "strong", _: "em", "~": "s", "`": "code" };

function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function slackInline(text) {
  const out = [];
  for (const part of text.split(MRKDWN)) {
    if (!part) continue;
    const tag = part.length > 2 ? TAGS[part[0]] : null;
    if (tag && part[part.length - 1] === part[0]) {
      const node = document.createElement(tag);
      node.textContent = unescapeSlack(part.slice(1, -1));
      out.push(node);
    } else if (part.startsWith("<") && part.endsWith(">")) {
      const [target, label] = part.slice(1, -1).split("|");
      out.push(target.startsWith("@") ? `@${label || target.slice(1)}` : unescapeSlack(label || target));
    } else {
      out.push(unescapeSlack(part));
    }
  }
  return out;
}

function slackMarkup(text) {
  const frag = document.createDocumentFragment();
  let list = null;
  for (const line of text.split("\n")) {
    const item = line.match(/^\s*[-•]\s+(.*)$/);
    if (item) {
      if (!list) list = frag.appendChild(document.createElement("ul"));
      list.appendChild(document.createElement("li")).append(...slackInline(item[1]));
    } else if (line.trim()) {
      list = null;
      frag.appendChild(document.createElement("p")).append(...slackInline(line));
    }
  }
  return frag;
}
