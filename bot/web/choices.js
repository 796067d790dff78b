// Readiness Coach web page: quick replies. Each question can come with answer options; a click
// sends the option's text, plus whatever is typed in the box as evidence ("option: details").
// Loaded after the page's own scripts; uses their $ and send (page.js and chat.js, or respond.js).
"use strict";

function choicesBox() {
  let box = $("choices");
  if (!box) {
    box = document.createElement("div");
    box.id = "choices";
    box.className = "choices";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Quick replies");
    box.style.display = "flex";
    box.style.flexWrap = "wrap";
    box.style.gap = "0.4rem";
    box.style.margin = "0.5rem 0";
    $("composer").before(box);
  }
  return box;
}

function showChoices(choices) {
  const box = choicesBox();
  box.replaceChildren();
  box.hidden = !choices || choices.length === 0;
  for (const choice of choices || []) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary choice";
    button.textContent = choice.label;
    button.title = "Sends this answer, with anything typed in the box as details";
    button.addEventListener("click", () => {
      const typed = $("input").value.trim();
      $("input").value = "";
      box.hidden = true;
      send(typed ? `${choice.value.replace(/\.$/, "")}: ${typed}` : choice.value);
    });
    box.append(button);
  }
}
