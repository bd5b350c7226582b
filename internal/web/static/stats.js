// Draws the statistics charts (internal/stats/charts.go): each element with
// data-chart holds its ECharts options as JSON. SVG, so a chart prints sharp.
(function () {
  "use strict";
  // layout keeps the title, the legend and the plot in bands of their own:
  // the title on the first line, the legend (one scrolling line) under it
  // on a wide screen or at the bottom on a phone, the plot between.
  function layout(opt, width) {
    var narrow = width < 600;
    if (opt.title) {
      opt.title.left = narrow ? "center" : 0;
      opt.title.top = 0;
      opt.title.padding = [0, 0, 0, 0];
    }
    if (opt.legend) {
      opt.legend.type = "scroll";
      opt.legend.left = "center";
      if (narrow) { delete opt.legend.top; opt.legend.bottom = 0; }
      else { opt.legend.top = 30; delete opt.legend.bottom; }
    }
    opt.grid = opt.grid || {};
    opt.grid.containLabel = true;
    opt.grid.top = narrow ? 36 : 64;
    opt.grid.bottom = narrow ? 36 : 8;
    return opt;
  }
  function draw() {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var opt;
      try { opt = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
      var c = window.echarts.init(el, null, { renderer: "svg" });
      c.setOption(layout(opt, el.clientWidth));
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
