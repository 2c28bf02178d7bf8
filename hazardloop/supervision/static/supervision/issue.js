/* The document issue form (supervision/issue.html): shows the fields of the chosen kind. The
 * kind starts from the form's value in data-kind (never written into an Alpine expression, which
 * a submitted value could otherwise rewrite); the select is bound to it with x-model. */
document.addEventListener("alpine:init", () => {
  window.Alpine.data("issueForm", () => ({
    kind: "",
    init() { this.kind = this.$el.dataset.kind || ""; },
    needsDeadline() { return this.kind === "deadline_order" || this.kind === "major_hazard_notice"; },
    isSeal() { return this.kind === "temporary_seal"; },
  }));
});
