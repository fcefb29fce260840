/* 报表 charts: builders for the quality report and KPI pages, drawn like web/postloan.js does. */
(function () {
  "use strict";
  var CLASS_COLOURS = { normal: "#52c41a", special_mention: "#1677ff", substandard: "#fa8c16", doubtful: "#f5222d", loss: "#820014" };
  var PALETTE = ["#1677ff", "#fa8c16", "#52c41a", "#722ed1", "#13c2c2", "#eb2f96", "#8c8c8c"];
  function num(v) { return v === null || v === undefined ? null : Number(v); }
  var BASE = { textStyle: { fontFamily: "inherit" }, grid: { left: 60, right: 16, top: 52, bottom: 40 }, tooltip: { trigger: "axis" }, legend: { top: 0, right: 0 } };
  function crowded(labels) {
    var longest = labels.reduce(function (m, l) { return Math.max(m, String(l).length); }, 0);
    return labels.length > 5 || longest * labels.length > 24;
  }
  function bars(labels, series, unit) {
    return Object.assign({}, BASE, {
      color: PALETTE,
      grid: { left: 60, right: 16, top: 52, bottom: crowded(labels) ? 80 : 40 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: crowded(labels) ? 30 : 0,
        formatter: function (v) { return v.length > 10 ? v.slice(0, 10) + "…" : v; } } },
      yAxis: { type: "value", name: unit },
      series: series
    });
  }
  var builders = {
    classes: function (d) {
      return { tooltip: { trigger: "item" }, legend: { orient: "vertical", right: 0, top: "middle" },
        series: [{ type: "pie", radius: ["45%", "72%"], center: ["38%", "50%"], label: { show: false },
          data: d.classes.map(function (r) { return { name: r.name, value: num(r.balance), itemStyle: { color: CLASS_COLOURS[r.code] } }; }) }] };
    },
    npl_trend: function (d) {
      return Object.assign({}, BASE, { color: ["#f5222d", "#fa8c16"],
        xAxis: { type: "category", data: d.trend.dates },
        yAxis: [{ type: "value", name: "不良率 %" }, { type: "value", name: "万元" }],
        series: [{ name: "不良率", type: "line", data: d.trend.ratio.map(num) }, { name: "不良余额", type: "bar", yAxisIndex: 1, data: d.trend.npl.map(num), barMaxWidth: 18 }] });
    },
    buckets: function (d) { return bars(d.buckets.labels, [{ name: "余额", type: "bar", data: d.buckets.balance.map(num), barMaxWidth: 28 }], "万元"); },
    industries: function (d) { return bars(d.industries.labels, [{ name: "余额", type: "bar", data: d.industries.balance.map(num), barMaxWidth: 28 }], "万元"); },
    groups: function (d) { return bars(d.groups.labels, [{ name: "余额", type: "bar", data: d.groups.balance.map(num), barMaxWidth: 28 }], "万元"); },
    regions: function (d) { return bars(d.regions.labels, [{ name: "余额", type: "bar", data: d.regions.balance.map(num), barMaxWidth: 28 }], "万元"); },
    kpi_units: function (d) { return kpi(d.units); },
    kpi_people: function (d) { return kpi(d.people); }
  };
  function kpi(block) {
    return bars(block.names, block.kpis.map(function (k) { return { name: k.label, type: "bar", data: k.values.map(num), barMaxWidth: 14 }; }), "%");
  }
  function render() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      if (!build || el.dataset.rendered) { return; }
      var node = document.getElementById(el.dataset.source || "chart-data");
      if (!node) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(JSON.parse(node.textContent)));
      el.dataset.rendered = "1";
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    });
  }
  window.addEventListener("load", render);
})();
