/* hazardloop's page behaviour that used to sit in inline handlers, which the
 * Content-Security-Policy (script-src 'self', style-src 'self') no longer runs:
 *   <select data-autosubmit>         submits its form when changed;
 *   <el data-width="42">             gets width: 42% (set through the CSSOM, which CSP allows);
 *   <form data-control-classes>      gives its inputs Bootstrap's form-control/form-select. */
(function () {
  "use strict";
  function apply(root) {
    root.querySelectorAll("[data-width]").forEach((el) => {
      const value = parseFloat(el.dataset.width);
      if (!isNaN(value)) el.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
    root.querySelectorAll("form[data-control-classes]").forEach((form) => {
      form.querySelectorAll("input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea").forEach((el) => {
        el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
      });
    });
  }
  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("DOMContentLoaded", () => apply(document));
  // Content htmx swaps in (e.g. the job progress polled every second).
  document.addEventListener("htmx:load", (event) => apply(event.detail.elt));
})();
