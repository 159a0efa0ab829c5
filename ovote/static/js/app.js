// Progressive enhancement only: every page works without this file.
// Without it the phone menu stays open (the CSS folds it only under .js).
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-toggle-target]")) {
    const target = document.getElementById(button.dataset.toggleTarget);
    if (!target) continue;
    button.addEventListener("click", () => {
      const open = target.classList.toggle("show");
      button.setAttribute("aria-expanded", String(open));
    });
  }

  // After a refused submit the error summary takes the focus, so that a screen
  // reader reads it first and a keyboard user starts from it (GOV.UK pattern).
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // A link in it moves to its field and shows the field's label (or legend)
    // too, which a plain jump to the input would scroll out of sight.
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const input = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!input) return;
      event.preventDefault();
      const group = input.closest("fieldset") || input.closest(".form-group") || input;
      group.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }
});

// A progress page (the freeze) reloads itself while the work goes on.
document.addEventListener("DOMContentLoaded", () => {
  const live = document.querySelector("[data-refresh-seconds]");
  if (live) setTimeout(() => window.location.reload(), 1000 * Number(live.dataset.refreshSeconds));
});
