// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-toggle-target]")) {
    const target = document.getElementById(button.dataset.toggleTarget);
    if (!target) continue;
    button.addEventListener("click", () => {
      const open = target.classList.toggle("show");
      button.setAttribute("aria-expanded", String(open));
    });
  }
});

// A progress page (the freeze) reloads itself while the work goes on.
document.addEventListener("DOMContentLoaded", () => {
  const live = document.querySelector("[data-refresh-seconds]");
  if (live) setTimeout(() => window.location.reload(), 1000 * Number(live.dataset.refreshSeconds));
});
