/* The workbench's "draft on this device": the phone inspection form keeps its draft in this
 * browser's localStorage (inspections/static/inspections/form.js, key per user); this shows it
 * with a link back to the form, which restores it. Nothing leaves the device. */
(function () {
  "use strict";
  document.querySelectorAll("[data-hl-drafts]").forEach(function (card) {
    var draft = null;
    try {
      draft = JSON.parse(localStorage.getItem("hl-inspection-draft-" + card.dataset.user) || "null");
    } catch (e) {
      draft = null;
    }
    if (!draft || !draft.unit || !draft.unit.name) return;
    var answers = draft.answers || {};
    var answered = Object.keys(answers).filter(function (k) { return answers[k] && answers[k].result; }).length;
    var total = draft.version && draft.version.items ? draft.version.items.length : 0;
    var started = draft.started_at ? new Date(draft.started_at) : null;
    card.querySelector("[data-hl-draft-unit]").textContent = draft.unit.name;
    card.querySelector("[data-hl-draft-started]").textContent =
      started && !isNaN(started) ? started.toLocaleString(document.documentElement.lang || undefined) : "";
    card.querySelector("[data-hl-draft-answered]").textContent = total ? answered + " / " + total : String(answered);
    card.classList.remove("d-none");
  });
})();
