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
