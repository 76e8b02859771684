/* The roadmap (路线图): one bar per task from start to due date, coloured by its warning, with
 * the reported progress filled in, and its milestones as diamonds (filled once done).
 * Data comes from the page's <script id="roadmap-data" type="application/json">. */
(function () {
  "use strict";

  var COLOURS = {
    green: "#2e7d32",
    yellow: "#f9a825",
    red: "#c62828",
    done_late: "#6a1b9a",
    none: "#9e9e9e",
  };

  function day(text) {
    var parts = text.split("-").map(Number);
    return new Date(parts[0], parts[1] - 1, parts[2]).getTime();
  }

  function shortLabel(task) {
    var title = task.title.length > 14 ? task.title.slice(0, 13) + "…" : task.title;
    return task.code + " " + title;
  }

  function build(data, view) {
    var tasks = data.tasks;
    if (!tasks.length) return null;
    var labels = data.labels;

    var today = day(data.today);
    var earliest = today;
    var latest = today;
    var bars = [];
    var milestones = [];
    tasks.forEach(function (task, row) {
      var start = day(task.start);
      var due = day(task.due);
      earliest = Math.min(earliest, start);
      latest = Math.max(latest, due);
      bars.push({ value: [row, start, due, task.progress, task.warning], task: task });
      task.milestones.forEach(function (milestone) {
        var when = day(milestone.due);
        earliest = Math.min(earliest, when);
        latest = Math.max(latest, when);
        var colour = COLOURS[task.warning] || COLOURS.none;
        milestones.push({
          value: [when, row],
          milestone: milestone,
          task: task,
          itemStyle: milestone.done
            ? { color: "#37474f", borderColor: "#37474f" }
            : { color: "#ffffff", borderColor: colour, borderWidth: 2 },
        });
      });
    });
    var margin = Math.max((latest - earliest) * 0.03, 7 * 86400000);

    view.height(Math.max(160, tasks.length * (view.narrow ? 34 : 40) + 90));

    function renderTask(params, api) {
      var row = api.value(0);
      var start = api.coord([api.value(1), row]);
      var end = api.coord([api.value(2), row]);
      var height = api.size([0, 1])[1] * 0.55;
      var width = Math.max(end[0] - start[0], 3);
      var progress = api.value(3);
      var colour = COLOURS[api.value(4)] || COLOURS.none;
      var box = {
        x: params.coordSys.x,
        y: params.coordSys.y,
        width: params.coordSys.width,
        height: params.coordSys.height,
      };
      var whole = echarts.graphic.clipRectByRect(
        { x: start[0], y: start[1] - height / 2, width: width, height: height },
        box
      );
      var done = echarts.graphic.clipRectByRect(
        { x: start[0], y: start[1] - height / 2, width: (width * progress) / 100, height: height },
        box
      );
      var children = [];
      if (whole) {
        children.push({
          type: "rect",
          shape: whole,
          style: { fill: colour, opacity: 0.28, stroke: colour, lineWidth: 1 },
        });
      }
      if (done && progress > 0) {
        children.push({ type: "rect", shape: done, style: { fill: colour } });
      }
      children.push({
        type: "text",
        style: {
          text: progress + "%",
          x: Math.min(end[0] + 10, box.x + box.width + 4),
          y: start[1],
          verticalAlign: "middle",
          fill: "#212529",
          fontSize: 11,
        },
      });
      return { type: "group", children: children };
    }

    return {
      grid: PortalCharts.grid({ right: 44, top: 30, bottom: 28 }),
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (item) {
          var task = item.data.task;
          var lines = [task.code + " " + task.title];
          if (item.seriesId === "milestones") {
            var milestone = item.data.milestone;
            lines.push(
              labels.milestone + ": " + milestone.title,
              labels.due + " " + milestone.due,
              milestone.done ? labels.done + " " + milestone.done : labels.open
            );
          } else {
            lines.push(
              task.unit,
              labels.start + " " + task.start + " · " + labels.due + " " + task.due,
              labels.progress + " " + task.progress + "% · " + data.warnings[task.warning]
            );
          }
          return lines.map(PortalCharts.plain).join("\n");
        },
      },
      xAxis: {
        type: "time",
        position: "top",
        min: earliest - margin,
        max: latest + margin,
        splitLine: { show: true, lineStyle: { color: "#eceff1" } },
        axisLabel: { hideOverlap: true },
      },
      yAxis: PortalCharts.nameAxis(tasks.map(shortLabel), view.narrow ? 90 : 200, {
        axisTick: { show: false },
      }),
      series: [
        {
          id: "tasks",
          type: "custom",
          renderItem: renderTask,
          encode: { x: [1, 2], y: 0 },
          data: bars,
          markLine: {
            silent: true,
            symbol: "none",
            lineStyle: { color: "#b71c1c", type: "dashed" },
            label: { formatter: labels.today, position: "end", color: "#b71c1c" },
            data: [{ xAxis: today }],
          },
        },
        {
          id: "milestones",
          type: "scatter",
          symbol: "diamond",
          symbolSize: 13,
          z: 5,
          data: milestones,
        },
      ],
    };
  }

  // A bar or a milestone opens its task.
  function follow(chart) {
    chart.on("click", function (item) {
      if (item.data && item.data.task && item.data.task.url) {
        window.location.href = item.data.task.url;
      }
    });
  }

  PortalCharts.ready(function () {
    var data = PortalCharts.data("roadmap-data");
    if (!data) return;
    PortalCharts.mount(
      "roadmap-chart",
      function (view) {
        return build(data, view);
      },
      { bind: follow }
    );
  });
})();
