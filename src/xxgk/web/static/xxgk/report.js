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
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target && e.target.id === "source-panel") highlight(e.target);
  });
})();
