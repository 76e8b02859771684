/* The portal's ECharts theme, registered before any chart is drawn (load this right after
 * echarts.min.js and init charts with the "portal" theme).
 *
 * Tooltips are drawn on the chart's canvas ("richText") instead of as HTML: ECharts' HTML
 * tooltips are markup full of style="…" attributes, which the Content-Security-Policy refuses,
 * so they would come out unstyled. Tooltip formatters therefore return plain text with "\n"
 * line breaks, not HTML, passing what people typed through PortalCharts.plain. */
(function () {
  "use strict";

  echarts.registerTheme("portal", {
    tooltip: { renderMode: "richText" },
  });

  window.PortalCharts = {
    // On canvas, "{name|text}" is ECharts' rich-text markup: a brace in a task title or a zone
    // name must not style (or swallow) the text, so braces become their full-width twins.
    plain: function (text) {
      return String(text).replace(/[{}]/g, function (brace) {
        return brace === "{" ? "｛" : "｝";
      });
    },
  };
})();
