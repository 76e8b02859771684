/* The unit league table as a horizontal stacked bar per lead unit: done on time, done late,
 * on track, at risk, overdue. Data comes from <script id="league-data" type="application/json">. */
(function () {
  "use strict";

  function build(data, view) {
    if (!data.units.length) return null;
    view.height(Math.max(180, data.units.length * 34 + 90));
    return {
      legend: { top: 0, type: "scroll" },
      grid: PortalCharts.grid({ right: 16, top: 36 }),
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      xAxis: PortalCharts.countAxis(),
      yAxis: PortalCharts.nameAxis(data.units, view.narrow ? 80 : 160),
      series: data.series.map(function (series) {
        return {
          name: series.name,
          type: "bar",
          stack: "tasks",
          barMaxWidth: 22,
          itemStyle: { color: series.color },
          emphasis: { focus: "series" },
          data: data.rows.map(function (row) {
            return row[series.key];
          }),
        };
      }),
    };
  }

  PortalCharts.ready(function () {
    var data = PortalCharts.data("league-data");
    if (!data) return;
    PortalCharts.mount("league-chart", function (view) {
      return build(data, view);
    });
  });
})();
