/* The unit league table as a horizontal stacked bar per lead unit: done on time, done late,
 * on track, at risk, overdue. Data comes from <script id="league-data" type="application/json">. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("league-data");
    var element = document.getElementById("league-chart");
    if (!source || !element || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.units.length) return;
    var narrow = element.clientWidth < 576;

    element.style.height = Math.max(180, data.units.length * 34 + 90) + "px";
    var language = (document.documentElement.lang || "zh").toLowerCase();
    var chart = echarts.init(element, "portal", {
      locale: language.indexOf("zh") === 0 ? "ZH" : "EN",
      renderer: "canvas",
    });
    chart.setOption({
      animation: false,
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.units,
        axisLabel: { width: narrow ? 80 : 160, overflow: "truncate" },
      },
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
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
