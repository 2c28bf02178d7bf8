// The inspection form's grading note: the GB 35181 edition in force today and what the failed
// answers (not corrected on the spot) add up to at the unit, with its unresolved findings.
// It reads the form's state (Alpine) and asks /api/v1/grading/tally; offline it stays quiet.
(function () {
  "use strict";
  const box = document.getElementById("grading-tally");
  if (!box || !window.fetch) return;
  const root = box.closest("[x-data]");
  const strings = { in_force: box.dataset.inForce, none: box.dataset.none, adds_up: box.dataset.addsUp };
  let last = null;
  let timer = null;

  function state() {
    try {
      return window.Alpine ? window.Alpine.$data(root) : null;
    } catch (e) {
      return null;
    }
  }

  function failedRefs(data) {
    const draft = data && data.draft;
    if (!draft || !draft.version || !draft.unit) return null;
    const refs = [];
    for (const item of draft.version.items || []) {
      const a = (draft.answers || {})[item.code];
      if (!a || a.result !== "fail" || a.corrected) continue;
      for (const ref of item.rule_refs || []) refs.push(ref);
    }
    return { unit: draft.unit.id, refs: refs };
  }

  function show(body) {
    box.replaceChildren();
    const edition = document.createElement("div");
    edition.dataset.testid = "tally-edition";
    edition.textContent = body.edition
      ? strings.in_force.replace("{edition}", body.edition)
      : strings.none.replace("{edition}", body.last_edition || "GB 35181");
    box.appendChild(edition);
    if (body.text) {
      const sum = document.createElement("div");
      sum.dataset.testid = "tally-text";
      sum.className = body.grade === "major" ? "text-danger fw-semibold" : body.pending ? "text-warning-emphasis fw-semibold" : "";
      sum.textContent = strings.adds_up.replace("{result}", body.text);
      box.appendChild(sum);
    }
    box.hidden = false;
  }

  async function refresh() {
    const wanted = failedRefs(state());
    if (!wanted || !navigator.onLine) return;
    const key = wanted.unit + "|" + wanted.refs.join(",");
    if (key === last) return;
    last = key;
    const url = box.dataset.url + "?unit_id=" + encodeURIComponent(wanted.unit) + "&refs=" + encodeURIComponent(wanted.refs.join(","));
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) show(await response.json());
      else last = null;
    } catch (e) {
      last = null;
    }
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  root.addEventListener("click", soon);
  root.addEventListener("change", soon);
  root.addEventListener("input", soon);
  setInterval(refresh, 5000);
  soon();
})();
