// 模型说明: the calibration chart (predicted vs observed default rate per decile), ECharts.
(function () {
  "use strict";
  function render() {
    var el = document.getElementById("calibration-chart");
    var node = document.getElementById("calibration-data");
    if (!el || !node || !window.echarts || el.dataset.rendered) { return; }
    var data = JSON.parse(node.textContent);
    var max = 0;
    var series = data.series.map(function (s) {
      var points = s.points.map(function (p) {
        max = Math.max(max, p.predicted, p.observed);
        return [+(p.predicted * 100).toFixed(2), +(p.observed * 100).toFixed(2)];
      });
      return { name: s.name, type: "line", symbolSize: 7, data: points };
    });
    max = Math.ceil(max * 100);
    series.push({
      name: el.dataset.diagonal, type: "line", symbol: "none",
      lineStyle: { type: "dashed", color: "#999" }, data: [[0, 0], [max, max]]
    });
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: { trigger: "item", valueFormatter: function (v) { return v + "%"; } },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 40 },
      xAxis: { type: "value", name: el.dataset.xname, nameLocation: "middle", nameGap: 26, max: max },
      yAxis: { type: "value", name: el.dataset.yname, max: max },
      series: series
    });
    el.dataset.rendered = "1";
    new ResizeObserver(function () { chart.resize(); }).observe(el);
  }
  window.addEventListener("load", render);
})();
