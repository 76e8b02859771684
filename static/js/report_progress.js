/* While a report is queued or being built, poll its status (reforms:report_status) every
 * 1.5 seconds and move the progress bar; when the build is done or has failed, reload the page,
 * which then shows the report or the reason; likewise when a stuck build may be regenerated,
 * to show the button. A network error slows the polling down and says so, without giving up. */
(function () {
  "use strict";

  var INTERVAL_MS = 1500;
  var MAX_INTERVAL_MS = 15000;

  var box = document.getElementById("report-progress");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("report-progressbar");
  var fill = document.getElementById("report-progressbar-fill");
  var value = document.getElementById("report-progress-value");
  var trouble = document.getElementById("report-progress-trouble");
  var label = document.getElementById("report-progress-label");
  var badge = document.querySelector("#report-actions .report-status");
  var delay = INTERVAL_MS;

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

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (status) {
        trouble.hidden = true;
        delay = INTERVAL_MS;
        show(status);
        if (status.status === "done" || status.status === "failed") {
          window.location.reload();
          return;
        }
        // The build is stuck and may be regenerated: the page shows its button once reloaded.
        if (status.regenerable && !document.getElementById("regenerate-form")) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        trouble.hidden = false;
        delay = Math.min(delay * 2, MAX_INTERVAL_MS);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
