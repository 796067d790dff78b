// Readiness Coach web page: from a stored report to weekly check-ins (POST /v1/pilots).
// Loaded after the chat modules; listens for report.js's "coach:report" event and uses $, el, api, ApiError.
"use strict";

function showFollowup(report) {
  const box = $("followup");
  box.hidden = !report.assessment_id; // an unfinished interview's report is not stored yet
  if (box.hidden) return;
  $("followup-id").textContent = `Saved as assessment ${report.assessment_id}: weekly check-ins follow its gaps.`;
  $("followup-form").hidden = true;
  $("followup-open").hidden = false;
  $("followup-open").setAttribute("aria-expanded", "false");
  $("followup-status").replaceChildren();
  $("fu-name").value = report.pilot_name || "";
  $("fu-tz").value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

function openFollowupForm() {
  $("followup-form").hidden = false;
  $("followup-open").hidden = true;
  $("followup-open").setAttribute("aria-expanded", "true");
  $(($("fu-name").value ? "fu-owner" : "fu-name")).focus();
}

async function registerPilot(event) {
  event.preventDefault();
  const value = (id) => $(id).value.trim();
  const body = {
    assessment_id: state.report.assessment_id,
    name: value("fu-name"),
    sponsor: value("fu-sponsor"),
    timezone: value("fu-tz") || "UTC",
  };
  if (value("fu-owner")) body.business_owner = value("fu-owner");
  if (value("fu-channel")) body.channel = value("fu-channel");
  const status = $("followup-status");
  $("fu-send").disabled = true;
  try {
    const pilot = await (await api("/v1/pilots", { method: "POST", body: JSON.stringify(body) })).json();
    const link = el("a", "", "Pilots and check-ins");
    link.href = `/pilots.html#pilot-${pilot.pilot.id}`;
    status.classList.remove("error");
    status.replaceChildren(`Weekly check-ins started for ${pilot.pilot.name}. Follow them on `, link, ".");
    $("followup-form").hidden = true;
  } catch (err) {
    status.classList.add("error");
    status.textContent = err instanceof ApiError ? err.message : "Could not reach the coach: check your connection and try again.";
  } finally {
    $("fu-send").disabled = false;
  }
}

document.addEventListener("coach:report", (e) => showFollowup(e.detail));
document.addEventListener("DOMContentLoaded", () => {
  $("followup-open").addEventListener("click", openFollowupForm);
  $("followup-form").addEventListener("submit", registerPilot);
});
