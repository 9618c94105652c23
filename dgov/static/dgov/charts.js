// Charts for every page: an element <div data-chart="ID"> is drawn with ECharts from the
// options in <script type="application/json" id="ID">…</script> (json_script), so pages
// need no inline script (the CSP forbids it). Include with {% include "charts.html" %}.
// A data point given as {"value": …, "url": "…"} opens that page when clicked (the
// drill-down from a bar to the cases behind it).
(function () {
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(source.textContent));
      chart.on("click", function (params) {
        if (params.data && params.data.url) window.location.assign(params.data.url);
      });
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", draw);
})();
