/* The grievance rates dashboard: monthly trend lines of the three rates, grouped bars of the
 * rates of each park, and the survey funnel. Data comes from the page's
 * <script id="rates-data" type="application/json">; the same numbers are printed in tables. */
(function () {
  "use strict";

  var FUNNEL_COLOURS = ["#90a4ae", "#64b5f6", "#f9a825", "#2e7d32"];
  var percent = PortalCharts.percent;

  function trend(data) {
    if (!data.months.length) return PortalCharts.empty(data.labels.no_data);
    return {
      legend: { top: 0, type: "scroll" },
      grid: PortalCharts.grid({ right: 32, top: 40 }),
      tooltip: { trigger: "axis", confine: true, valueFormatter: percent },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      yAxis: PortalCharts.percentAxis({ name: data.labels.percent }),
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
    };
  }

  function parks(data, view) {
    if (!data.parks.length) return PortalCharts.empty(data.labels.no_data);
    var narrow = view.narrow;
    view.height(Math.max(220, data.parks.length * 70 + 80));
    return {
      legend: { top: 0, type: "scroll" },
      grid: PortalCharts.grid({ right: narrow ? 16 : 56, top: 40 }),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        valueFormatter: percent,
      },
      xAxis: PortalCharts.percentAxis(),
      yAxis: PortalCharts.nameAxis(data.parks, narrow ? 90 : 200),
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
    };
  }

  function funnel(data) {
    if (!data.funnel[0].value && !data.funnel[2].value) {
      return PortalCharts.empty(data.labels.no_surveys);
    }
    return {
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
    };
  }

  PortalCharts.ready(function () {
    var data = PortalCharts.data("rates-data");
    if (!data) return;
    [
      ["rates-trend-chart", trend],
      ["rates-park-chart", parks],
      ["rates-funnel-chart", funnel],
    ].forEach(function (pair) {
      PortalCharts.mount(
        pair[0],
        function (view) {
          return pair[1](data, view);
        },
        { emptyClass: "rates-chart-empty" }
      );
    });
  });
})();
