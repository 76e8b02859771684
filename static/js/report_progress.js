/* While a report is queued or being built, poll its status (reforms:report_status, through
 * progress_poll.js) and move the progress bar; when the build is done or has failed, reload the
 * page, which then shows the report or the reason; likewise when a stuck build may be
 * regenerated, to show the button. */
(function () {
  "use strict";

  var box = document.getElementById("report-progress");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("report-progressbar");
  var fill = document.getElementById("report-progressbar-fill");
  var value = document.getElementById("report-progress-value");
  var trouble = document.getElementById("report-progress-trouble");
  var label = document.getElementById("report-progress-label");
  var badge = document.querySelector("#report-actions .report-status");

  function show(status) {
    var percent = Math.max(0, Math.min(100, status.progress || 0));
    fill.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    value.textContent = percent + "%";
    box.setAttribute("data-status", status.status);
    // The server's words for what the build is doing (waiting, interrupted and restarting…).
    var text = status.state_label || box.getAttribute("data-label-" + status.status);
    if (text) label.textContent = text;
    if (status.state) label.setAttribute("data-state", status.state);
    if (badge) {
      badge.className = "badge report-status report-status-" + status.status;
      badge.setAttribute("data-status", status.status);
      badge.textContent = status.status_label;
    }
  }

  window.pollProgress({
    url: url,
    trouble: trouble,
    show: show,
    done: function (status) {
      // Done or failed: the page, reloaded, shows the report or the reason. A stuck build that
      // may be regenerated: the page shows its button once reloaded.
      var ended = status.status === "done" || status.status === "failed";
      if (ended || (status.regenerable && !document.getElementById("regenerate-form"))) {
        window.location.reload();
        return true;
      }
      return false;
    },
  });
})();
