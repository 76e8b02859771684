/* Polling a job's status until it ends, for the pages that wait on the worker (a progress
 * report's build, an export): one loop, so both pages poll, back off and recover alike.
 *
 * pollProgress({url, trouble, show, done}) fetches `url` (JSON) every 1.5 seconds and hands each
 * status to show(status); once done(status) is true it stops. A network error or a non-2xx
 * answer shows `trouble` (an element with `hidden`), doubles the wait up to 15 seconds and
 * tries again without giving up; the next good answer hides it and resets the wait.
 * (A file of its own: the Content-Security-Policy allows no inline script.) */
(function () {
  "use strict";

  var INTERVAL_MS = 1500;
  var MAX_INTERVAL_MS = 15000;

  window.pollProgress = function (options) {
    var delay = INTERVAL_MS;

    function poll() {
      fetch(options.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (status) {
          options.trouble.hidden = true;
          delay = INTERVAL_MS;
          options.show(status);
          if (!options.done(status)) window.setTimeout(poll, delay);
        })
        .catch(function () {
          options.trouble.hidden = false;
          delay = Math.min(delay * 2, MAX_INTERVAL_MS);
          window.setTimeout(poll, delay);
        });
    }

    window.setTimeout(poll, INTERVAL_MS);
  };
})();
