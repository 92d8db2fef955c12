// xxgk: the little JavaScript the pages need, none inline (the CSP allows scripts from 'self' only).
// Charts: <div class="chart" data-chart="ID"> with <script type="application/json" id="ID"> holding
// an ECharts option object (data, not code).
(function () {
  "use strict";
  function drawCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var src = document.getElementById(el.dataset.chart);
      if (!src) return;
      var chart = window.echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { drawCharts(e.target); });
  window.xxgk = { drawCharts: drawCharts };
})();
