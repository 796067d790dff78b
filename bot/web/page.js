// Readiness Coach chat page: what its scripts share (loaded first): the storage keys, the page state,
// and three DOM helpers ($ by id, el to make an element, saveFile to download a blob). Plain JavaScript,
// no build step.
"use strict";

const SESSION_KEY = "coach.session";
const API_KEY = "coach.apiKey";
const CLIENT_KEY = "coach.client"; // this browser's id: without API keys, the list of interviews is its own

const $ = (id) => document.getElementById(id);
const state = { sessionId: null, busy: false, report: null };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The browser saves `blob` as a file called `name` (the link is made, clicked and dropped).
function saveFile(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
