// Readiness Coach web page: earlier interviews (reopen one), the confirmation before a new one,
// and the header's menu on a phone. Loaded after the chat modules; uses $, el, api, state and begin (app.js).
"use strict";

const VERDICT_WORDS = { not_ready: "Not ready", ready_with_conditions: "Ready with conditions", ready: "Ready" };

function interviewName(item) {
  if (item.pilot_name) return item.pilot_name;
  if (item.first_answer) return `“${item.first_answer}”`;
  return "An interview with no answer yet";
}

function historyItem(item) {
  const li = el("li", `history-item${item.session_id === state.sessionId ? " current" : ""}`);
  const when = new Date(item.updated_at).toLocaleString();
  const status = item.done ? (VERDICT_WORDS[item.verdict] || "Finished") : "In progress";
  const text = el("div", "history-text");
  text.append(el("span", "history-name", interviewName(item)));
  text.append(el("span", "muted small", ` ${status} · ${when}`));
  li.append(text);
  if (item.session_id === state.sessionId) {
    li.append(el("span", "muted small", "Open now"));
  } else {
    const open = el("button", "secondary", "Reopen");
    open.type = "button";
    open.setAttribute("aria-label", `Reopen ${interviewName(item)} (${status}, ${when})`);
    open.addEventListener("click", guard(() => reopen(item.session_id)));
    li.append(open);
  }
  return li;
}

async function showHistory() {
  const panel = $("history");
  const opening = panel.hidden;
  panel.hidden = !opening;
  $("show-history").setAttribute("aria-expanded", String(opening));
  if (!opening) return;
  $("history-status").textContent = "Loading…";
  const { sessions } = await (await api("/v1/sessions?limit=50")).json();
  $("history-list").replaceChildren(...sessions.map(historyItem));
  $("history-status").textContent = sessions.length ? "" : "No earlier interviews in this browser yet.";
  $("history-title").focus();
}

async function reopen(sessionId) {
  localStorage.setItem(SESSION_KEY, sessionId);
  state.sessionId = sessionId;
  $("history").hidden = true;
  $("show-history").setAttribute("aria-expanded", "false");
  await begin();
  if (state.report) $("report-title").focus();
  else $("input").focus();
}

// Resolves true when starting over loses nothing, or the person said so.
function confirmNewInterview() {
  const answered = document.querySelector(".bubble.user") !== null;
  if (!answered && !state.report) return Promise.resolve(true);
  const dialog = $("confirm-new");
  $("confirm-text").textContent = state.report && !state.fileReport
    ? "This interview's gap list stays under \u201cEarlier interviews\u201d: reopen it from there."
    : "This interview stays under \u201cEarlier interviews\u201d: pick it up from there.";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "new"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

function toggleMenu() {
  const button = $("menu-toggle");
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  $("header-actions").classList.toggle("open", open);
}

document.addEventListener("DOMContentLoaded", () => {
  $("show-history").addEventListener("click", guard(showHistory));
  $("menu-toggle").addEventListener("click", toggleMenu);
  $("header-actions").addEventListener("click", (e) => {
    if (e.target.closest("button, a") && $("menu-toggle").getAttribute("aria-expanded") === "true") toggleMenu();
  });
});
