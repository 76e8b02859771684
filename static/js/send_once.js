/* One tap sends once: a form marked data-send-once disables its submit buttons while the
 * (possibly slow, photo-carrying) request goes out, so an impatient second tap sends nothing. */
(function () {
  "use strict";

  document.querySelectorAll("form[data-send-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var buttons = form.querySelectorAll("button[type=submit]");
      // After the submit event, so the pressed button's own name/value still goes with the form.
      window.setTimeout(function () {
        buttons.forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  });
})();
