// The unit form's contacts: "add another contact" copies the formset's empty form (its
// __prefix__ replaced by the next index, TOTAL_FORMS counted up); "remove" ticks the row's
// DELETE box and hides it. The server validates every row it receives (phones included).
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-contacts]")) {
    const prefix = box.dataset.prefix;
    const total = box.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const max = Number(box.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`).value);
    const list = box.querySelector("[data-contact-list]");
    const template = box.querySelector("template[data-contact-template]");
    const add = box.querySelector("[data-contact-add]");
    const shown = () => list.querySelectorAll("[data-contact-row]:not([hidden])").length;
    const refresh = () => {
      add.disabled = shown() >= max;
    };
    add.addEventListener("click", () => {
      const index = Number(total.value);
      list.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", index));
      total.value = String(index + 1);
      list.lastElementChild.querySelector("input:not([type=checkbox])").focus();
      refresh();
    });
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-contact-remove]");
      if (!button) return;
      const row = button.closest("[data-contact-row]");
      row.querySelector(`input[name$="-DELETE"]`).checked = true;
      row.hidden = true;
      refresh();
      add.focus();
    });
    refresh();
  }
});
