// Readiness Coach web page: drop a document (PDF, Word, PowerPoint, HTML, Markdown) to be assessed.
// Loaded after the chat modules; uses their helpers ($, state, failure, showError, renderReport, setStatus).
"use strict";

const FILE_TYPES = ".pdf,.docx,.pptx,.html,.htm,.md,.markdown,.txt";

function authOnly() {
  const key = sessionStorage.getItem(API_KEY);
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function assessFile(file) {
  if (!file || state.busy) return;
  const zone = $("file-drop");
  zone.setAttribute("aria-busy", "true");
  $("file-status").textContent = `Reading ${file.name}…`;
  try {
    const form = new FormData();
    form.append("file", file, file.name);
    const resp = await fetch("/v1/assessments", { method: "POST", body: form, headers: authOnly() });
    if (!resp.ok) throw await failure(resp);
    showFileReport(await resp.json(), file.name);
  } catch (err) {
    $("file-status").textContent = err instanceof ApiError ? err.message : "Could not reach the coach: check your connection and try again.";
    $("file-status").classList.add("error");
    return;
  } finally {
    zone.removeAttribute("aria-busy");
    $("file-input").value = "";
  }
}

function showFileReport(report, name) {
  state.report = report;
  state.fileReport = name;
  $("file-status").classList.remove("error");
  $("file-status").textContent = `Assessed ${name}: the gap list is below.`;
  $("dl-md").hidden = true; // the Markdown export is a session's; a document's report downloads as JSON
  $("report").hidden = false;
  renderReport(report);
  $("report-title").textContent = `Gap list: ${report.pilot_name || name}`;
  announceReport(report); // report.js
}

function downloadFileReport() {
  const blob = new Blob([JSON.stringify(state.report, null, 2)], { type: "application/json" });
  saveFile(blob, `readiness-report-${state.fileReport.replace(/\.[^.]+$/, "")}.json`); // page.js
}

document.addEventListener("DOMContentLoaded", () => {
  const zone = $("file-drop");
  const input = $("file-input");
  input.accept = FILE_TYPES;
  input.addEventListener("change", () => assessFile(input.files[0]));
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (e) => { e.preventDefault(); zone.classList.add("dragging"); });
  }
  for (const name of ["dragleave", "drop"]) {
    zone.addEventListener(name, () => zone.classList.remove("dragging"));
  }
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) assessFile(e.dataTransfer.files[0]);
  });
});
