/* While an export is queued or being written, poll its status (parks:export_status, through
 * progress_poll.js) and move the progress bar; when it is done, reload the page, which shows the
 * download link; when it has failed, show the reason. */
(function () {
  "use strict";

  var box = document.getElementById("export-progress");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("export-progressbar");
  var fill = document.getElementById("export-progressbar-fill");
  var value = document.getElementById("export-progress-value");
  var rows = document.getElementById("export-rows");
  var trouble = document.getElementById("export-progress-trouble");

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

  window.pollProgress({
    url: url,
    trouble: trouble,
    show: show,
    done: function (status) {
      if (status.status !== "done" && status.status !== "failed") return false;
      finish(status);
      return true;
    },
  });
})();
