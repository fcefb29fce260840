/* 贷后通 page behaviour: ECharts from json_script data, print helpers. No build step. */
(function () {
  "use strict";

  var PALETTE = ["#1677ff", "#fa8c16", "#52c41a", "#722ed1", "#13c2c2", "#eb2f96"];
  var CLASS_COLOURS = {
    normal: "#52c41a", special_mention: "#1677ff", substandard: "#fa8c16",
    doubtful: "#f5222d", loss: "#820014"
  };
  var BASE = {
    textStyle: { fontFamily: "inherit" },
    grid: { left: 56, right: 16, top: 36, bottom: 28 },
    tooltip: { trigger: "axis" },
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8 }
  };

  function num(v) { return v === null || v === undefined ? null : Number(v); }
  function wan(v) { return v === null || v === undefined ? "—" : Number(v).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + " 万元"; }

  var builders = {
    flows: function (d) {
      var f = d.flows;
      return Object.assign({}, BASE, {
        color: ["#52c41a", "#fa8c16"],
        tooltip: { trigger: "axis", valueFormatter: wan },
        xAxis: { type: "category", data: f.months },
        yAxis: { type: "value", name: "万元", nameTextStyle: { align: "right" } },
        series: [
          { name: "流入", type: "bar", data: f.inflow.map(num), barMaxWidth: 18 },
          { name: "流出", type: "bar", data: f.outflow.map(num), barMaxWidth: 18 }
        ]
      });
    },
    invoices: function (d) {
      var f = d.invoices;
      return Object.assign({}, BASE, {
        color: ["#1677ff", "#722ed1"],
        tooltip: { trigger: "axis", valueFormatter: wan },
        xAxis: { type: "category", data: f.months },
        yAxis: { type: "value", name: "万元", nameTextStyle: { align: "right" } },
        series: [
          { name: "开票金额", type: "bar", data: f.amount.map(num), barMaxWidth: 18 },
          { name: "税额", type: "line", data: f.tax.map(num), smooth: true }
        ]
      });
    },
    collateral: function (d, el) {
      var c = d.collaterals[Number(el.dataset.index)];
      var market = c.market.map(function (p) { return [p[0], num(p[1])]; });
      var first = market.length ? market[0][0] : c.appraised[0];
      var last = market.length ? market[market.length - 1][0] : c.appraised[0];
      var start = c.appraised[0] < first ? c.appraised[0] : first;
      return Object.assign({}, BASE, {
        color: ["#1677ff", "#8c8c8c"],
        grid: { left: 56, right: 12, top: 28, bottom: 24 },
        tooltip: { trigger: "axis", valueFormatter: wan },
        xAxis: { type: "time" },
        yAxis: { type: "value", scale: true, name: "万元" },
        series: [
          { name: "市场价值", type: "line", data: market, symbolSize: 5 },
          { name: "评估价值", type: "line", data: [[start, num(c.appraised[1])], [last, num(c.appraised[1])]],
            lineStyle: { type: "dashed" }, symbol: "none" }
        ]
      });
    },
    classes: function (d) {
      return {
        textStyle: { fontFamily: "inherit" },
        tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + p.data.count + " 笔，" + wan(p.value) + "（" + p.percent + "%）"; } },
        legend: { orient: "vertical", right: 0, top: "middle", itemWidth: 12, itemHeight: 8 },
        series: [{
          name: "五级分类", type: "pie", radius: ["45%", "72%"], center: ["38%", "50%"],
          label: { show: false },
          data: d.classes.map(function (r) {
            return { name: r.name, value: num(r.balance), count: r.count, itemStyle: { color: CLASS_COLOURS[r.code] } };
          })
        }]
      };
    }
  };

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function renderCharts(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) { return; }
      var data = readData(el.dataset.source || "chart-data");
      var build = builders[el.dataset.chart];
      if (!data || !build) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data, el));
      el.dataset.rendered = "1";
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    });
  }

  window.addEventListener("load", function () { renderCharts(document); });
  document.addEventListener("htmx:load", function (e) { renderCharts(e.target); });

  // Printed pages show every collapsed section (meeting materials are printed and signed).
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.dataset.closedForPrint = "1"; d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-closed-for-print]").forEach(function (d) { d.open = false; delete d.dataset.closedForPrint; });
  });
})();
