/* A button marked data-print opens the browser's print dialog (the QR posters, the printable
 * report). Bound here because the Content-Security-Policy refuses onclick="…" attributes. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
