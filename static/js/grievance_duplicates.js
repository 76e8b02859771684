/* The registration form lists likely duplicates (the same park, a similar title, received
 * recently) while the title is typed, from the portal's own check (grievances.duplicates).
 * Only a warning: saving is never stopped. Bound here, since the CSP refuses inline scripts. */
(function () {
  "use strict";

  var form = document.getElementById("grievance-form");
  var box = document.getElementById("likely-duplicates");
  var list = document.getElementById("likely-duplicates-list");
  if (!form || !box || !list) {
    return;
  }
  var park = form.querySelector("[name=park]");
  var title = form.querySelector("[name=title]");
  if (!park || !title) {
    return;
  }
  var timer = null;
  var asked = "";

  function show(candidates) {
    list.replaceChildren();
    candidates.forEach(function (item) {
      var row = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      var code = document.createElement("span");
      code.className = "font-monospace";
      code.textContent = item.tracking_code;
      link.append(code, " " + item.title);
      var facts = document.createElement("span");
      facts.className = "small text-secondary";
      facts.textContent = " " + item.received_at + " · " + item.status;
      row.append(link, facts);
      list.append(row);
    });
    box.classList.toggle("d-none", candidates.length === 0);
  }

  function check() {
    var query = new URLSearchParams({ park: park.value, title: title.value.trim() });
    if (!park.value || !title.value.trim() || query.toString() === asked) {
      return;
    }
    asked = query.toString();
    fetch(form.dataset.duplicatesUrl + "?" + asked, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { candidates: [] };
      })
      .then(function (data) {
        show(data.candidates || []);
      })
      .catch(function () {
        /* Offline or refused: the check is a convenience, the form works without it. */
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }

  title.addEventListener("input", later);
  title.addEventListener("change", check);
  park.addEventListener("change", check);
  if (title.value.trim()) {
    check();
  }
})();
