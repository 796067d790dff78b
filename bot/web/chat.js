// Readiness Coach chat page: the conversation (bubbles, a streamed turn, progress through the
// areas). Uses page.js, markdown.js, api.js; sources.js and report.js for what a turn brings.
"use strict";

const STATE_LABEL = { done: "covered", skipped: "skipped", current: "in progress", pending: "to do" };

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
