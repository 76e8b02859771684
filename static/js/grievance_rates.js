/* The grievance rates dashboard: monthly trend lines of the three rates, grouped bars of the
 * rates of each park, and the survey funnel. Data comes from the page's
 * <script id="rates-data" type="application/json">; the same numbers are printed in tables. */
(function () {
  "use strict";

  var FUNNEL_COLOURS = ["#90a4ae", "#64b5f6", "#f9a825", "#2e7d32"];

  function init(element, language) {
    return echarts.init(element, "portal", {
      locale: language.indexOf("zh") === 0 ? "ZH" : "EN",
      renderer: "canvas",
    });
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  function rateAxis(labels) {
    return {
      type: "value",
      min: 0,
      max: 100,
      name: labels.percent,
      axisLabel: { formatter: "{value}%" },
    };
  }

  function empty(element, text) {
    element.classList.add("rates-chart-empty");
    element.textContent = text;
  }

  function drawTrend(element, data, language) {
    if (!data.months.length) return empty(element, data.labels.no_data);
    var chart = init(element, language);
    chart.setOption({
      animation: false,
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 32, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true, valueFormatter: percent },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      yAxis: rateAxis(data.labels),
      series: data.rates.map(function (rate) {
        return {
          name: rate.name,
          type: "line",
          connectNulls: true,
          symbolSize: 7,
          itemStyle: { color: rate.color },
          data: data.month_rates[rate.key],
        };
      }),
    });
    return chart;
  }

  function drawParks(element, data, language) {
    if (!data.parks.length) return empty(element, data.labels.no_data);
    var narrow = element.clientWidth < 576;
    element.style.height = Math.max(220, data.parks.length * 70 + 80) + "px";
    var chart = init(element, language);
    chart.setOption({
      animation: false,
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: narrow ? 16 : 56, top: 40, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        valueFormatter: percent,
      },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.parks,
        axisLabel: { width: narrow ? 90 : 200, overflow: "truncate" },
      },
      series: data.rates.map(function (rate) {
        return {
          name: rate.name,
          type: "bar",
          barMaxWidth: 16,
          itemStyle: { color: rate.color },
          label: {
            show: !narrow,
            position: "right",
            formatter: function (item) {
              return percent(item.value);
            },
          },
          data: data.park_rates[rate.key],
        };
      }),
    });
    return chart;
  }

  function drawFunnel(element, data, language) {
    if (!data.funnel[0].value && !data.funnel[2].value) {
      return empty(element, data.labels.no_surveys);
    }
    var chart = init(element, language);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", confine: true, formatter: "{b}: {c}" },
      series: [
        {
          type: "funnel",
          sort: "none",
          left: "5%",
          right: "5%",
          top: 8,
          bottom: 8,
          // Opinions are a few dozen of hundreds handed out: keep the small steps legible.
          minSize: "34%",
          gap: 2,
          label: { show: true, position: "inside", formatter: "{b}\n{c}", color: "#fff" },
          data: data.funnel.map(function (step, index) {
            return {
              name: step.name,
              value: step.value,
              itemStyle: { color: FUNNEL_COLOURS[index] },
            };
          }),
        },
      ],
    });
    return chart;
  }

  function draw() {
    var source = document.getElementById("rates-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var language = (document.documentElement.lang || "zh").toLowerCase();
    var charts = [];
    [
      ["rates-trend-chart", drawTrend],
      ["rates-park-chart", drawParks],
      ["rates-funnel-chart", drawFunnel],
    ].forEach(function (pair) {
      var element = document.getElementById(pair[0]);
      if (!element) return;
      var chart = pair[1](element, data, language);
      if (chart) charts.push(chart);
    });
    window.addEventListener("resize", function () {
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
