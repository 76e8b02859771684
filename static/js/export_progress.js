/* While an export is queued or being written, poll its status (parks:export_status) every
 * 1.5 seconds and move the progress bar; when it is done, show the download link, when it has
 * failed, the reason. A network error slows the polling down and says so, without giving up.
 * (A file of its own: the Content-Security-Policy allows no inline script.) */
(function () {
  "use strict";

  var INTERVAL_MS = 1500;
  var MAX_INTERVAL_MS = 15000;

  var box = document.getElementById("export-progress");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("export-progressbar");
  var fill = document.getElementById("export-progressbar-fill");
  var value = document.getElementById("export-progress-value");
  var rows = document.getElementById("export-rows");
  var trouble = document.getElementById("export-progress-trouble");
  var delay = INTERVAL_MS;

  function show(status) {
    var percent = Math.max(0, Math.min(100, status.progress || 0));
    fill.className = fill.className.replace(/\bpct-\d+\b/, "pct-" + percent);
    bar.setAttribute("aria-valuenow", String(percent));
    value.textContent = percent + "%";
    box.setAttribute("data-status", status.status);
    if (status.rows_total !== null) {
      rows.textContent = status.rows_done + " / " + status.rows_total + " " +
        rows.getAttribute("data-label-rows");
    }
  }

  function finish(status) {
    box.classList.add("d-none");
    if (status.status === "done") {
      // The page, reloaded, shows the row count and how long the file is kept.
      window.location.reload();
      return;
    }
    document.getElementById("export-error").textContent = status.error || "";
    document.getElementById("export-failed").classList.remove("d-none");
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
          finish(status);
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
