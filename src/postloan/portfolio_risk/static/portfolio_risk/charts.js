/* 组合风险 charts: the concentration bars, the vintage curves and the roll-rate lines (ECharts). */
(function () {
  "use strict";
  var PALETTE = ["#1677ff", "#fa8c16", "#52c41a", "#722ed1", "#13c2c2", "#eb2f96", "#8c8c8c", "#f5222d", "#faad14", "#2f54eb", "#a0d911", "#597ef7"];
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  var BASE = { color: PALETTE, textStyle: { fontFamily: "inherit" }, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" }, grid: { left: 56, right: 16, top: 56, bottom: 48 } };
  function bars(pairs, unit) {
    return Object.assign({}, BASE, {
      xAxis: { type: "category", data: pairs.map(function (p) { return p[0]; }), axisLabel: { interval: 0, rotate: pairs.length > 4 ? 30 : 0, formatter: function (v) { return v.length > 8 ? v.slice(0, 8) + "…" : v; } } },
      yAxis: { type: "value", name: unit },
      series: [{ name: "余额（元）", type: "bar", barMaxWidth: 28, data: pairs.map(function (p) { return num(p[1]); }) }]
    });
  }
  var builders = {
    groups: function (d) { return bars(d.groups || [], "元"); },
    industries: function (d) { return bars(d.industries || [], "元"); },
    vintage: function (d) {
      return Object.assign({}, BASE, {
        xAxis: { type: "category", name: "账龄（月）", data: d.mobs },
        yAxis: { type: "value", name: "%" },
        series: d.cohorts.map(function (c) { return { name: c.name, type: "line", connectNulls: false, data: c.rate30 }; })
      });
    },
    rolls: function (d) {
      return Object.assign({}, BASE, {
        xAxis: { type: "category", data: d.months },
        yAxis: { type: "value", name: "%" },
        series: Object.keys(d.rolls).map(function (k) { return { name: k, type: "line", data: d.rolls[k] }; })
      });
    }
  };
  function render() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      var node = document.getElementById(el.dataset.source || "chart-data");
      if (!build || !node || el.dataset.rendered) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(JSON.parse(node.textContent)));
      el.dataset.rendered = "1";
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    });
  }
  window.addEventListener("load", render);
})();
