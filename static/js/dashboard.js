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

  var percent = PortalCharts.percent;

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

  function rates(data) {
    var trend = data.trend;
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
    return {
      legend: { top: 0, type: "scroll" },
      grid: PortalCharts.grid({ right: 24, top: 40 }),
      tooltip: { trigger: "axis", confine: true, valueFormatter: percent },
      xAxis: { type: "category", data: trend.months, boundaryGap: false },
      yAxis: PortalCharts.percentAxis(),
      series: series,
    };
  }

  function counts(data) {
    var trend = data.trend;
    return {
      legend: { top: 0, type: "scroll" },
      grid: PortalCharts.grid({ top: 40 }),
      tooltip: { trigger: "axis", confine: true, axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: trend.months },
      // Activities on the left axis, grievances (far fewer) on the right; the legend names them.
      yAxis: [
        PortalCharts.countAxis({ axisLabel: { color: ACTIVITY_COLOUR } }),
        PortalCharts.countAxis({
          splitLine: { show: false },
          axisLabel: { color: RECEIVED_COLOUR },
        }),
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
    };
  }

  function bars(view, items, options) {
    var narrow = view.narrow;
    view.height(Math.max(200, items.length * 34 + 60));
    return {
      grid: PortalCharts.grid({ right: narrow ? 40 : 64 }),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        valueFormatter: options.percent ? percent : undefined,
      },
      xAxis: options.percent ? PortalCharts.percentAxis() : PortalCharts.countAxis(),
      yAxis: PortalCharts.nameAxis(
        items.map(function (item) {
          return item.name;
        }),
        narrow ? 96 : 200,
        { triggerEvent: true }
      ),
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
              return options.percent ? percent(item.value) : PortalCharts.count(item.value);
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
    };
  }

  function parks(data, view) {
    var chosen = data.bars;
    if (!chosen.parks.length) return PortalCharts.empty(data.labels.no_data);
    return bars(view, chosen.parks, {
      name: chosen.name,
      percent: chosen.percent,
      color: "#b71c1c",
    });
  }

  function zones(data, view) {
    if (!data.zones || !data.zones.length) return PortalCharts.empty(data.labels.no_zones);
    return bars(view, data.zones, {
      name: data.labels.activities,
      percent: false,
      color: ACTIVITY_COLOUR,
    });
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

  PortalCharts.ready(function () {
    linkRows();
    var data = PortalCharts.data("dashboard-data");
    if (!data) return;
    // Each chart's element, its builder and, for bar charts, the items a click opens.
    [
      ["trend-rates-chart", rates, null],
      ["trend-counts-chart", counts, null],
      ["park-bars-chart", parks, function () {
        return data.bars.parks;
      }],
      ["zone-bars-chart", zones, function () {
        return data.zones;
      }],
    ].forEach(function (row) {
      var itemsOf = row[2];
      PortalCharts.mount(
        row[0],
        function (view) {
          return row[1](data, view);
        },
        {
          emptyClass: "dashboard-chart-empty",
          bind: itemsOf
            ? function (chart) {
                follow(chart, itemsOf());
              }
            : null,
        }
      );
    });
  });
})();
