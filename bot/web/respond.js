// Readiness Coach: the page a respondent's link opens. The link's token sits in the fragment
// (#token), which browsers never send to a server; this page sends it in a header instead.
// Reuses the chat's styles and its quick replies (choices.js calls send()).
"use strict";

const TOKEN = decodeURIComponent(location.hash.slice(1));

function $(id) {
  return document.getElementById(id);
}

function bubble(role, text) {
  const div = document.createElement("div");
  div.className = `bubble ${role === "user" ? "user" : "coach"}`;
  const body = document.createElement("div");
  body.className = "text";
  body.textContent = text; // the team's words and the coach's, never parsed as HTML
  div.append(body);
  $("messages").append(div);
  div.scrollIntoView({ block: "end" });
}

async function call(path, options = {}) {
  const headers = { "X-Respondent-Token": TOKEN, "Content-Type": "application/json" };
  const resp = await fetch(path, { ...options, headers });
  const data = await resp.json();
  if (!resp.ok) throw new Error(data.error ? data.error.message : `Error ${resp.status}`);
  return data;
}

async function send(text) {
  if (!text.trim()) return;
  bubble("user", text);
  $("status").textContent = "The coach is thinking…";
  try {
    const turn = await call("/v1/respond/messages", { method: "POST", body: JSON.stringify({ text }) });
    bubble("coach", turn.reply);
    showChoices(turn.choices);
    $("status").textContent = turn.done ? "Done: thank you." : "";
  } catch (err) {
    $("status").textContent = err.message;
  }
}

async function load() {
  try {
    const me = await call("/v1/respond");
    $("who").textContent = `${me.name}${me.role ? `, ${me.role}` : ""}: ${me.pilot_name || "your pilot"}`;
    $("areas").textContent = "Your areas: " + me.areas.map((a) => a.title).join(", ");
    for (const m of me.messages) bubble(m.role, m.text);
    showChoices(me.done ? [] : me.choices);
  } catch (err) {
    $("status").textContent = err.message;
    $("composer").hidden = true;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("input").value;
    $("input").value = "";
    send(text);
  });
  $("input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  load();
});
