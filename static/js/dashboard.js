/* The district dashboard and its park drill-down: monthly trends of the three rates and grid
 * coverage, activities and grievances by month, the chosen figure per park (a bar opens that
 * park's dashboard) or, on a park's page, activities per grid zone (a bar opens the feed).
 * Data comes from <script id="dashboard-data" type="application/json">; the same numbers are
 * printed in the tables of the page. */
(function () {
  "use strict";

  var ACTIVITY_COLOUR = "#ef6c00";
  var RECEIVED_COLOUR = "#6a1b9a";
  var COVERAGE_COLOUR = "#546e7a";
  var IDLE_COLOUR = "#e0e0e0";

  function init(element, language) {
    return echarts.init(element, "portal", {
      locale: language.indexOf("zh") === 0 ? "ZH" : "EN",
      renderer: "canvas",
    });
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  function empty(element, text) {
    element.classList.add("dashboard-chart-empty");
    element.textContent = text;
    return null;
  }

  function follow(chart, items) {
    // A click on a bar (or its label) opens the page behind it.
    var names = items.map(function (item) {
      return item.name;
    });
    chart.on("click", function (event) {
      var index = event.componentType === "yAxis" ? names.indexOf(event.value) : event.dataIndex;
      var item = items[index];
      if (item && item.url) window.location.href = item.url;
    });
    chart.getZr().on("mousemove", function (event) {
      chart.getZr().setCursorStyle(event.target ? "pointer" : "default");
    });
  }

  function drawRates(element, data, language) {
    var trend = data.trend;
    var chart = init(element, language);
    var series = data.rates.map(function (rate) {
      return {
        name: rate.name,
        type: "line",
        connectNulls: true,
        symbolSize: 6,
        itemStyle: { color: rate.color },
        data: trend[rate.key],
      };
    });
    series.push({
      name: data.labels.coverage,
      type: "line",
      connectNulls: true,
      symbolSize: 6,
      lineStyle: { type: "dashed" },
      itemStyle: { color: COVERAGE_COLOUR },
      data: trend.coverage,
    });
    chart.setOption({
      animation: false,
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true, valueFormatter: percent },
      xAxis: { type: "category", data: trend.months, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: series,
    });
    return chart;
  }

  function drawCounts(element, data, language) {
    var trend = data.trend;
    var chart = init(element, language);
    chart.setOption({
      animation: false,
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true, axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: trend.months },
      // Activities on the left axis, grievances (far fewer) on the right; the legend names them.
      yAxis: [
        { type: "value", minInterval: 1, axisLabel: { color: ACTIVITY_COLOUR } },
        {
          type: "value",
          minInterval: 1,
          splitLine: { show: false },
          axisLabel: { color: RECEIVED_COLOUR },
        },
      ],
      series: [
        {
          name: data.labels.activities,
          type: "bar",
          barMaxWidth: 18,
          itemStyle: { color: ACTIVITY_COLOUR },
          data: trend.activities,
        },
        {
          name: data.labels.received,
          type: "line",
          yAxisIndex: 1,
          symbolSize: 6,
          itemStyle: { color: RECEIVED_COLOUR },
          data: trend.received,
        },
      ],
    });
    return chart;
  }

  function drawBars(element, items, options, language) {
    var narrow = element.clientWidth < 576;
    element.style.height = Math.max(200, items.length * 34 + 60) + "px";
    var chart = init(element, language);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: narrow ? 40 : 64, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        valueFormatter: options.percent ? percent : undefined,
      },
      xAxis: options.percent
        ? { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }
        : { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        triggerEvent: true,
        data: items.map(function (item) {
          return item.name;
        }),
        axisLabel: { width: narrow ? 96 : 200, overflow: "truncate" },
      },
      series: [
        {
          name: options.name,
          type: "bar",
          barMaxWidth: 20,
          cursor: "pointer",
          label: {
            show: true,
            position: "right",
            formatter: function (item) {
              return options.percent ? percent(item.value) : item.value === null ? "—" : item.value;
            },
          },
          data: items.map(function (item) {
            return {
              value: item.value,
              itemStyle: { color: item.value ? options.color : IDLE_COLOUR },
            };
          }),
        },
      ],
    });
    follow(chart, items);
    return chart;
  }

  function drawParks(element, data, language) {
    var bars = data.bars;
    if (!bars.parks.length) return empty(element, data.labels.no_data);
    return drawBars(
      element,
      bars.parks,
      { name: bars.name, percent: bars.percent, color: "#b71c1c" },
      language
    );
  }

  function drawZones(element, data, language) {
    if (!data.zones || !data.zones.length) return empty(element, data.labels.no_zones);
    return drawBars(
      element,
      data.zones,
      { name: data.labels.activities, percent: false, color: ACTIVITY_COLOUR },
      language
    );
  }

  function linkRows() {
    // A ranking row opens its park's dashboard wherever it is clicked.
    document.querySelectorAll("tr[data-href]").forEach(function (row) {
      row.addEventListener("click", function (event) {
        if (event.target.closest("a")) return;
        window.location.href = row.getAttribute("data-href");
      });
    });
  }

  function draw() {
    linkRows();
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var language = (document.documentElement.lang || "zh").toLowerCase();
    var charts = [];
    [
      ["trend-rates-chart", drawRates],
      ["trend-counts-chart", drawCounts],
      ["park-bars-chart", drawParks],
      ["zone-bars-chart", drawZones],
    ].forEach(function (pair) {
      var element = document.getElementById(pair[0]);
      if (!element) return;
      var chart = pair[1](element, data, language);
      if (chart) {
        charts.push(chart);
        element.setAttribute("data-drawn", "true");
      }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    });
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
