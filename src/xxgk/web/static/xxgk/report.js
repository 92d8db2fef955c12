// The report page: highlight in the grid the cells of the finding (or cell) shown in the side
// panel. The panel (an htmx fragment) names them in data-highlight; no inline script (CSP).
(function () {
  "use strict";
  function highlight(root) {
    var panel = (root || document).querySelector("[data-highlight]");
    if (!panel) return;
    var keys = (panel.getAttribute("data-highlight") || "").split(/\s+/).filter(Boolean);
    document.querySelectorAll("td.hl").forEach(function (td) { td.classList.remove("hl"); });
    var first = null;
    keys.forEach(function (key) {
      document.querySelectorAll("td[data-key]").forEach(function (td) {
        if (td.getAttribute("data-key") === key) {
          td.classList.add("hl");
          if (!first) first = td;
        }
      });
    });
    // Side by side (desktop): bring the cells into view beside the panel. Stacked (phone): the
    // panel is what was asked for; keep it in view.
    var stacked = window.matchMedia && window.matchMedia("(max-width: 900px)").matches;
    var target = stacked ? panel : first;
    if (target && target.scrollIntoView) target.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target && e.target.id === "source-panel") highlight(e.target);
  });
})();
