// Readiness Coach web chat: plain JavaScript, no build step, talks to the /v1 API.
// The wiring: the API key panel, starting or resuming an interview, and the page's controls.
// Loaded after page.js, markdown.js, api.js, chat.js, sources.js, report.js and chart.js.
"use strict";

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
