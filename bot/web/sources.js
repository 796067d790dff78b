// Readiness Coach chat page: the sources list under an answer. Uses page.js.
"use strict";

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
