// Readiness Coach chat page: the /v1 API over fetch (key, client id, errors a person can act on)
// and the server-sent events a reply streams in. Uses page.js.
"use strict";

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
