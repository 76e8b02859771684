/* The coverage heat map: grid zones (rows) × weeks (columns), coloured by how many activities
 * each zone logged that week. A week with nothing logged gets its own colour, so gaps stand out.
 * Clicking a cell opens the feed filtered to that zone and week.
 * Data comes from <script id="coverage-data" type="application/json">; the same numbers are in
 * the table below the chart. */
(function () {
  "use strict";

  // Nothing logged is pale red; then greens, darker for busier weeks.
  function pieces(labels, narrow) {
    return [
      { value: 0, color: "#f8d7da", label: narrow ? "0" : "0 · " + labels.none },
      { min: 1, max: 1, color: "#c8e6c9", label: "1" },
      { min: 2, max: 3, color: "#81c784", label: "2–3" },
      { min: 4, max: 6, color: "#43a047", label: "4–6" },
      { min: 7, color: "#1b5e20", label: "≥ 7" },
    ];
  }

  function addDays(iso, days) {
    var parts = iso.split("-").map(Number);
    var day = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + days));
    return day.toISOString().slice(0, 10);
  }

  function feedUrl(data, zoneIndex, weekIndex) {
    var monday = data.weeks[weekIndex];
    var query = new URLSearchParams({
      grid_zone: data.zones[zoneIndex].id,
      date_from: monday,
      date_to: addDays(monday, 6),
    });
    return data.feed_url + "?" + query.toString();
  }

  function build(data, view) {
    if (!data.zones.length) return null;
    var narrow = view.narrow;
    var labels = data.labels;
    // One park in view, or a phone: "G01 海鲜区" says enough; the tooltip names the park.
    var parks = {};
    data.zones.forEach(function (zone) {
      parks[zone.park] = true;
    });
    var short = narrow || Object.keys(parks).length === 1;

    view.height(Math.max(200, data.zones.length * 28 + 110));
    var weekLabels = data.week_labels.map(function (label, index) {
      return data.weeks[index] === data.this_week ? label + "\n" + labels.this_week : label;
    });
    return {
      tooltip: {
        confine: true,
        formatter: function (item) {
          var week = data.weeks[item.value[0]];
          var count = item.value[2];
          return [
            PortalCharts.plain(data.zones[item.value[1]].label),
            labels.week_of + " " + week + " – " + addDays(week, 6),
            count ? labels.activities + ": " + count : labels.none,
            labels.open_feed,
          ].join("\n");
        },
      },
      grid: PortalCharts.grid({ right: 16, bottom: 64 }),
      xAxis: {
        type: "category",
        data: weekLabels,
        splitArea: { show: true },
        axisLabel: { interval: narrow ? "auto" : 0, hideOverlap: true },
      },
      yAxis: PortalCharts.nameAxis(
        data.zones.map(function (zone) {
          return short ? zone.short : zone.label;
        }),
        narrow ? 110 : 260,
        { splitArea: { show: true } }
      ),
      visualMap: {
        type: "piecewise",
        min: 0,
        pieces: pieces(labels, narrow),
        itemGap: narrow ? 6 : 10,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemWidth: 16,
        itemHeight: 12,
        selectedMode: false,
      },
      series: [
        {
          type: "heatmap",
          // White numbers on the dark greens, dark ones elsewhere.
          data: data.cells.map(function (cell) {
            return cell[2] >= 4 ? { value: cell, label: { color: "#fff" } } : cell;
          }),
          cursor: "pointer",
          itemStyle: { borderColor: "#fff", borderWidth: 2 },
          label: {
            show: !narrow && data.weeks.length <= 26,
            color: "#212529",
            formatter: function (item) {
              return item.value[2] ? String(item.value[2]) : "";
            },
          },
          emphasis: { itemStyle: { borderColor: "#212529", borderWidth: 1 } },
        },
      ],
    };
  }

  PortalCharts.ready(function () {
    var data = PortalCharts.data("coverage-data");
    if (!data) return;
    PortalCharts.mount(
      "coverage-chart",
      function (view) {
        return build(data, view);
      },
      {
        bind: function (chart) {
          chart.on("click", function (item) {
            if (item.seriesType !== "heatmap") return;
            window.location.href = feedUrl(data, item.value[1], item.value[0]);
          });
        },
      }
    );
  });
})();
