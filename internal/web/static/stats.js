// Draws the statistics charts (internal/stats/charts.go): each element with
// data-chart holds its ECharts options as JSON. SVG, so a chart prints sharp.
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var opt;
      try { opt = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
      var c = window.echarts.init(el, null, { renderer: "svg" });
      c.setOption(opt);
      el.setAttribute("data-drawn", "1");
      charts.push(c);
    });
    var resize = function () { charts.forEach(function (c) { c.resize(); }); };
    window.addEventListener("resize", resize);
    window.addEventListener("beforeprint", resize);
    window.addEventListener("afterprint", resize);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
