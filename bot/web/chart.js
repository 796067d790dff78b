// Readiness Coach chat page: the readiness chart, one labelled SVG bar per area.
"use strict";

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
