/* The portal's one chart module: every page that draws ECharts loads echarts.min.js, then this
 * file, then its own script, which only says what to draw (PortalCharts.mount with an option
 * builder). Set-up, the theme, resizing, emptiness and the shared formats live here once.
 *
 * Tooltips are drawn on the chart's canvas ("richText") instead of as HTML: ECharts' HTML
 * tooltips are markup full of style="…" attributes, which the Content-Security-Policy refuses,
 * so they would come out unstyled. Tooltip formatters therefore return plain text with "\n"
 * line breaks, not HTML, passing what people typed through PortalCharts.plain. */
(function () {
  "use strict";

  // Below this chart width a builder lays out for a phone (shorter labels, fewer numbers).
  var NARROW_PX = 576;

  echarts.registerTheme("portal", {
    tooltip: { renderMode: "richText" },
  });

  var mounted = [];

  function locale() {
    var language = (document.documentElement.lang || "zh").toLowerCase();
    return language.indexOf("zh") === 0 ? "ZH" : "EN";
  }

  /* Draws one chart into `element` (an element or its id) and keeps it fitted to its box.
   *
   * build(view) returns the ECharts option (animation off unless it says otherwise),
   * PortalCharts.empty(text) for a message in place of the chart, or null to draw nothing.
   * `view` holds the element, its width, `narrow` (a phone-sized chart) and height(px), which
   * sets the chart's height from its data before the chart takes its size.
   * options.emptyClass is the class the element takes when it shows the message;
   * options.bind(chart) is called once with the new chart, to attach click handlers.
   *
   * The chart follows its element's box (ResizeObserver), so a window resize, a Bootstrap tab or
   * collapse being shown and a print layout all redraw it; a chart in a box that is still hidden
   * waits until it has a width. Crossing the phone-width line rebuilds the option, so a window
   * shrunk to a phone looks as the page would if it had been opened there. Returns the chart, or
   * null when nothing was drawn yet. */
  function mount(element, build, options) {
    if (typeof element === "string") element = document.getElementById(element);
    if (!element) return null;
    options = options || {};
    var chart = null;
    var narrow = null;
    // A builder that had nothing to draw is not asked again when the box resizes.
    var settled = false;

    function draw() {
      var width = element.clientWidth;
      narrow = width < NARROW_PX;
      var option = build({
        element: element,
        width: width,
        narrow: narrow,
        height: function (px) {
          element.style.height = px + "px";
        },
      });
      if (!option || option.empty !== undefined) {
        settled = true;
        if (!option) return;
        if (options.emptyClass) element.classList.add(options.emptyClass);
        element.textContent = option.empty;
        return;
      }
      if (option.animation === undefined) option.animation = false;
      if (!chart) {
        chart = echarts.init(element, "portal", { locale: locale(), renderer: "canvas" });
        if (options.bind) options.bind(chart);
        mounted.push(chart);
      } else {
        chart.resize();
      }
      chart.setOption(option, { notMerge: true });
      element.setAttribute("data-drawn", "true");
    }

    function fit() {
      var width = element.clientWidth;
      if (!width || settled) return;
      if (!chart || (width < NARROW_PX) !== narrow) {
        draw();
      } else {
        chart.resize();
      }
    }

    if (element.clientWidth) draw();
    if (typeof ResizeObserver !== "undefined") {
      var pending = false;
      // One redraw per frame, after layout: resizing inside the observer's own callback can
      // trip its "loop completed with undelivered notifications" error.
      new ResizeObserver(function () {
        if (pending) return;
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          if (!chart || !chart.isDisposed()) fit();
        });
      }).observe(element);
    } else {
      window.addEventListener("resize", fit);
    }
    return chart;
  }

  // The print layout is applied before the observer reports, so size for it at once.
  window.addEventListener("beforeprint", function () {
    mounted.forEach(function (chart) {
      if (!chart.isDisposed()) chart.resize();
    });
  });

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  window.PortalCharts = {
    NARROW_PX: NARROW_PX,
    mount: mount,
    ready: ready,

    // The page's figures, from Django's {{ value|json_script:"id" }}; null when absent.
    data: function (id) {
      var source = document.getElementById(id);
      return source ? JSON.parse(source.textContent) : null;
    },

    // What a builder returns to show `text` in place of a chart that has nothing to draw.
    empty: function (text) {
      return { empty: text };
    },

    // A rate as the tables print it; a missing rate (nothing to divide by) is a dash.
    percent: function (value) {
      return value === null || value === undefined ? "—" : value + "%";
    },

    // A count, with a dash for none at all.
    count: function (value) {
      return value === null || value === undefined ? "—" : value;
    },

    // The 0–100 % value axis every rate chart shares; `extra` adds to it (a name, say).
    percentAxis: function (extra) {
      return Object.assign(
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        extra
      );
    },

    // A value axis of whole things (tasks, activities): no 0.5 ticks.
    countAxis: function (extra) {
      return Object.assign({ type: "value", minInterval: 1 }, extra);
    },

    // The name axis of a horizontal bar chart: first name on top, long names cut at `width`.
    nameAxis: function (names, width, extra) {
      return Object.assign(
        {
          type: "category",
          inverse: true,
          data: names,
          axisLabel: { width: width, overflow: "truncate" },
        },
        extra
      );
    },

    // The plot area: 8 px from the left edge, axis labels inside it; `sides` sets the rest.
    grid: function (sides) {
      return Object.assign({ left: 8, right: 8, top: 8, bottom: 8, containLabel: true }, sides);
    },

    // On canvas, "{name|text}" is ECharts' rich-text markup: a brace in a task title or a zone
    // name must not style (or swallow) the text, so braces become their full-width twins.
    plain: function (text) {
      return String(text).replace(/[{}]/g, function (brace) {
        return brace === "{" ? "｛" : "｝";
      });
    },
  };
})();
